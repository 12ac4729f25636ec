"use client";

import { useActionState } from "react";
import type { DecisionOutcome } from "@/db/schema/enums";
import { decideAction } from "../actions";

// Typed by the schema's enum: adding an outcome there fails the build until it has a label here.
const LABELS: Record<DecisionOutcome, { label: string; hint: string }> = {
  confirmed_ai: { label: "Confirm AI-generated", hint: "Keep quarantined / take down" },
  authentic: { label: "Authentic", hint: "Release the image" },
  needs_more_info: { label: "Needs more information", hint: "Ask the submitter" },
};
const OUTCOMES = Object.entries(LABELS).map(([value, l]) => ({ value, ...l }));

export function DecisionForm({ caseId }: { caseId: string }) {
  const [state, action, pending] = useActionState(decideAction, undefined);
  return (
    <form action={action} className="space-y-3" data-testid="decision-form">
      <input type="hidden" name="caseId" value={caseId} />
      <fieldset className="space-y-2">
        {OUTCOMES.map((o) => (
          <label key={o.value} className="flex items-start gap-2 rounded border border-slate-200 p-2 hover:bg-slate-50">
            <input type="radio" name="outcome" value={o.value} required className="mt-1" />
            <span>
              <span className="font-medium">{o.label}</span>
              <span className="block text-xs text-slate-500">{o.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <textarea name="note" rows={3} maxLength={2000} placeholder="Note for the record (optional)" className="w-full rounded border border-slate-300 p-2 text-sm" />
      {state && !state.ok && (
        <p role="alert" className="text-sm text-red-700">
          {state.error.message}
        </p>
      )}
      {state?.ok && <p className="text-sm text-emerald-700">Decision recorded.</p>}
      <button disabled={pending} className="w-full rounded bg-slate-900 px-3 py-2 font-medium text-white disabled:opacity-50">
        {pending ? "Saving…" : "Record decision"}
      </button>
    </form>
  );
}
