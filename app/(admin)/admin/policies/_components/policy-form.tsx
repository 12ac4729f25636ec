"use client";

import { useActionState, useState } from "react";
import { savePolicyAction } from "../actions";
import { PolicyPreview, type PreviewData } from "./policy-preview";

export interface PolicyValues {
  id?: string;
  name: string;
  description: string;
  quarantineThreshold: number;
  inconclusiveAction: "quarantine" | "clear";
  isDefault: boolean;
}

export function PolicyForm({ policy, preview }: { policy?: PolicyValues; preview: PreviewData }) {
  const [state, action, pending] = useActionState(savePolicyAction, undefined);
  const [threshold, setThreshold] = useState(policy?.quarantineThreshold ?? 50);
  const [inconclusive, setInconclusive] = useState<"quarantine" | "clear">(policy?.inconclusiveAction ?? "quarantine");
  const idBase = policy?.id ?? "new";
  return (
    <form action={action} className="grid grid-cols-1 items-end gap-3 md:grid-cols-6">
      {policy?.id && <input type="hidden" name="id" value={policy.id} />}
      <label className="text-sm">
        Name
        <input name="name" required defaultValue={policy?.name} className="mt-1 w-full rounded border border-slate-500 px-2 py-1.5 font-mono" />
      </label>
      <label className="text-sm md:col-span-2">
        Description
        <input name="description" defaultValue={policy?.description} className="mt-1 w-full rounded border border-slate-500 px-2 py-1.5" />
      </label>
      <label className="text-sm">
        Quarantine at score ≥
        <input
          name="quarantineThreshold"
          type="number"
          min={1}
          max={100}
          required
          value={threshold}
          onChange={(e) => setThreshold(Math.min(100, Math.max(1, Number(e.target.value) || 1)))}
          className="mt-1 w-full rounded border border-slate-500 px-2 py-1.5"
        />
      </label>
      <label className="text-sm">
        Inconclusive verdicts
        <select name="inconclusiveAction" value={inconclusive} onChange={(e) => setInconclusive(e.target.value === "clear" ? "clear" : "quarantine")} className="mt-1 w-full rounded border border-slate-500 px-2 py-1.5">
          <option value="quarantine">Quarantine</option>
          <option value="clear">Clear</option>
        </select>
      </label>
      <div className="flex items-center gap-3">
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" name="isDefault" defaultChecked={policy?.isDefault} /> Default
        </label>
        <button disabled={pending} className="rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
          {policy ? "Save" : "Add"}
        </button>
      </div>
      <div className="space-y-2 md:col-span-6">
        <label className="flex items-center gap-3 text-sm" htmlFor={`${idBase}-threshold-slider`}>
          <span className="shrink-0">Try a threshold</span>
          <input
            id={`${idBase}-threshold-slider`}
            type="range"
            min={1}
            max={100}
            value={threshold}
            onChange={(e) => setThreshold(Number(e.target.value))}
            className="w-full max-w-md accent-slate-900"
            aria-valuetext={`score ${threshold}`}
          />
          <span className="w-8 tabular-nums">{threshold}</span>
        </label>
        <PolicyPreview data={preview} threshold={threshold} inconclusiveAction={inconclusive} />
      </div>
      {state && (
        <p role={state.ok ? "status" : "alert"} className={`text-sm md:col-span-6 ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
          {state.ok ? `Saved ${state.data.name}.` : state.error.message}
        </p>
      )}
    </form>
  );
}
