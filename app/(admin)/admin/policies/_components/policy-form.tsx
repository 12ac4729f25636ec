"use client";

import { useActionState, useState } from "react";
import type { LabelledScore } from "@/lib/analytics/roc";
import { MAX_RETENTION_DAYS, RETENTION_SWEEP_INTERVAL_MS } from "@/lib/limits";
import { savePolicyAction } from "../actions";
import { LabelledSetUpload } from "./labelled-set-upload";
import { PolicyPreview, type PreviewData } from "./policy-preview";

export interface PolicyValues {
  id?: string;
  name: string;
  description: string;
  quarantineThreshold: number;
  autoClearThreshold: number;
  inconclusiveAction: "quarantine" | "clear";
  blurImages: boolean;
  /** Null keeps images. */
  retentionDays: number | null;
  isDefault: boolean;
}

/** What the retention sweep did and has left to do for a policy that sets a retention (lib/cases/retention.ts). */
export interface RetentionFigures {
  due: number;
  removed: number;
}

const RETENTION_SWEEP_MINUTES = RETENTION_SWEEP_INTERVAL_MS / 60_000;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));

/** A slider and a number field bound to one value; both are labelled (the number field by `label`, the slider by `sliderLabel`). */
function ThresholdInput(props: { id: string; name: string; label: string; sliderLabel: string; hint: string; min: number; max: number; value: number; onChange: (v: number) => void }) {
  const { id, name, label, sliderLabel, hint, min, max, value, onChange } = props;
  return (
    <div className="grid grid-cols-[1fr_5rem] items-end gap-x-3 gap-y-1 sm:grid-cols-[12rem_1fr_5rem]">
      <label htmlFor={`${id}-number`} className="col-span-2 text-sm sm:col-span-1 sm:self-center">
        {label}
      </label>
      <input
        id={`${id}-slider`}
        type="range"
        min={min}
        max={max}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        aria-label={sliderLabel}
        aria-valuetext={`score ${value}`}
        className="w-full accent-slate-900"
      />
      <input
        id={`${id}-number`}
        name={name}
        type="number"
        min={min}
        max={max}
        required
        value={value}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(clamp(Number(e.target.value) || 0, min, max))}
        className="w-full rounded border border-slate-500 px-2 py-1.5"
      />
      <p id={`${id}-hint`} className="col-span-2 text-xs text-slate-700 sm:col-span-3">
        {hint}
      </p>
    </div>
  );
}

export function PolicyForm({ policy, preview, retention }: { policy?: PolicyValues; preview: PreviewData; retention?: RetentionFigures }) {
  const [state, action, pending] = useActionState(savePolicyAction, undefined);
  const [threshold, setThreshold] = useState(policy?.quarantineThreshold ?? 50);
  const [autoClear, setAutoClear] = useState(policy?.autoClearThreshold ?? 0);
  const [inconclusive, setInconclusive] = useState<"quarantine" | "clear">(policy?.inconclusiveAction ?? "quarantine");
  const [uploaded, setUploaded] = useState<LabelledScore[] | null>(null);
  const idBase = policy?.id ?? "new";
  // The auto-clear band must stay below the quarantine threshold; the server checks it too (lib/policies/save-policy.ts).
  const bandError = autoClear >= threshold ? `The auto-clear threshold (${autoClear}) must be below the quarantine threshold (${threshold}).` : null;
  return (
    <div className="space-y-3">
      <form action={action} className="space-y-3">
        {policy?.id && <input type="hidden" name="id" value={policy.id} />}
        <div className="grid grid-cols-1 items-end gap-3 md:grid-cols-4">
          <label className="text-sm">
            Name
            <input name="name" required defaultValue={policy?.name} className="mt-1 w-full rounded border border-slate-500 px-2 py-1.5 font-mono" />
          </label>
          <label className="text-sm md:col-span-2">
            Description
            <input name="description" defaultValue={policy?.description} className="mt-1 w-full rounded border border-slate-500 px-2 py-1.5" />
          </label>
          <label className="text-sm">
            Inconclusive verdicts
            <select name="inconclusiveAction" value={inconclusive} onChange={(e) => setInconclusive(e.target.value === "clear" ? "clear" : "quarantine")} className="mt-1 w-full rounded border border-slate-500 px-2 py-1.5">
              <option value="quarantine">Quarantine</option>
              <option value="clear">Clear</option>
            </select>
          </label>
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Thresholds</legend>
          <ThresholdInput
            id={`${idBase}-quarantine`}
            name="quarantineThreshold"
            label="Quarantine at score ≥"
            sliderLabel="Quarantine threshold"
            hint="At or above it a case is quarantined, whatever the verdict."
            min={1}
            max={100}
            value={threshold}
            onChange={setThreshold}
          />
          <ThresholdInput
            id={`${idBase}-autoclear`}
            name="autoClearThreshold"
            label="Auto-clear at score ≤"
            sliderLabel="Auto-clear threshold"
            hint="At or below it a case is cleared, whatever the verdict; 0 turns it off. In between, the verdict and the inconclusive rule decide."
            min={0}
            max={99}
            value={autoClear}
            onChange={setAutoClear}
          />
          {bandError && (
            <p role="alert" className="text-sm text-red-700" data-testid="band-error">
              {bandError}
            </p>
          )}
        </fieldset>
        <div className="text-sm">
          <label htmlFor={`${idBase}-retention`}>Remove images</label>
          <input
            id={`${idBase}-retention`}
            name="retentionDays"
            type="number"
            min={1}
            max={MAX_RETENTION_DAYS}
            placeholder="never"
            defaultValue={policy?.retentionDays ?? ""}
            aria-describedby={`${idBase}-retention-hint`}
            className="mx-2 w-24 rounded border border-slate-500 px-2 py-1.5"
          />
          days after a case is cleared or reviewed
          <p id={`${idBase}-retention-hint`} className="mt-1 text-xs text-slate-700">
            The image, its display copy and its heatmaps are deleted; the case stays in the queue with its verdict, scores, hashes and
            decisions. Cases waiting for a person are never touched. Blank keeps images until a case is deleted.
            {retention && (
              <span className="block" data-testid="retention-figures">
                {retention.removed} {retention.removed === 1 ? "image" : "images"} removed so far; {retention.due} due at the next sweep (every {RETENTION_SWEEP_MINUTES} minutes).
              </span>
            )}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-4">
          <label className="flex items-center gap-1 text-sm">
            <input type="checkbox" name="blurImages" defaultChecked={policy?.blurImages} /> Blur images until revealed
          </label>
          <label className="flex items-center gap-1 text-sm">
            <input type="checkbox" name="isDefault" defaultChecked={policy?.isDefault} /> Default
          </label>
          <button disabled={pending || bandError !== null} className="rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
            {policy ? "Save" : "Add"}
          </button>
          {state && (
            <p role={state.ok ? "status" : "alert"} className={`text-sm ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
              {state.ok ? `Saved ${state.data.name}.` : state.error.message}
            </p>
          )}
        </div>
      </form>
      <PolicyPreview data={preview} threshold={threshold} autoClear={autoClear} inconclusiveAction={inconclusive} uploaded={uploaded} />
      <LabelledSetUpload idBase={idBase} onScored={setUploaded} />
    </div>
  );
}
