"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import type { DecisionOutcome } from "@/db/schema/enums";
import { DECISION_UNDO_MS, REVIEW_CLAIM_HEARTBEAT_MS } from "@/lib/limits";
import { claimNextAction, decideAction, extendClaimAction, undoDecisionAction } from "../actions";
import { forgetDecision, lastDecision, previousOf, rememberDecision, visit } from "./review-session";
import { useShortcuts } from "@/components/use-shortcuts";

// Typed by the schema's enum: adding an outcome there fails the build until it has a label here.
const LABELS: Record<DecisionOutcome, { label: string; hint: string; key: string; tone: string }> = {
  authentic: { label: "Authentic", hint: "Release the image", key: "a", tone: "has-[:checked]:border-emerald-600 has-[:checked]:bg-emerald-50" },
  confirmed_ai: { label: "Confirm AI-generated", hint: "Keep quarantined / take down", key: "r", tone: "has-[:checked]:border-red-600 has-[:checked]:bg-red-50" },
  needs_more_info: { label: "Needs more information", hint: "Ask the submitter", key: "n", tone: "has-[:checked]:border-amber-600 has-[:checked]:bg-amber-50" },
};
const OUTCOMES = (Object.keys(LABELS) as DecisionOutcome[]).map((value) => ({ value, ...LABELS[value] }));

export interface DecisionPanelProps {
  caseId: string;
  /** A decision can be recorded now (moderator, decidable state). */
  canDecide: boolean;
  /** The case is reviewed and the viewer may amend its decision. */
  canAmend: boolean;
  /** The moderator holds this case's claim: decisions advance to their next case. */
  inSession: boolean;
  /** Moderators get j/k/u; others only see the record. */
  isModerator: boolean;
}

export function DecisionPanel({ caseId, canDecide, canAmend, inSession, isModerator }: DecisionPanelProps) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [outcome, setOutcome] = useState<DecisionOutcome | null>(null);
  const [amending, setAmending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const mode = canDecide ? "decide" : amending && canAmend ? "amend" : null;

  useEffect(() => {
    visit(caseId);
    setAmending(false);
    setOutcome(null);
    setError(null);
  }, [caseId]);

  // Keep the claim while the case stays open.
  useEffect(() => {
    if (!inSession) return;
    const t = setInterval(() => void extendClaimAction({ caseId }), REVIEW_CLAIM_HEARTBEAT_MS);
    return () => clearInterval(t);
  }, [caseId, inSession]);

  const submit = (chosen: DecisionOutcome) => {
    if (!mode || pending) return;
    setOutcome(chosen);
    setError(null);
    start(async () => {
      const res = await decideAction({ caseId, outcome: chosen, note: noteRef.current?.value ?? "", mode, advance: inSession && mode === "decide" ? "1" : "0" });
      if (!res.ok) {
        setError(res.error.message);
        return;
      }
      rememberDecision({ caseId, decisionId: res.data.decisionId, at: Date.now() });
      if (noteRef.current) noteRef.current.value = "";
      setAmending(false);
      if (res.data.nextId) {
        router.push(`/cases/${res.data.nextId}`);
      } else if (inSession && mode === "decide") {
        router.push("/queue?review=done");
      } else {
        setNotice(mode === "amend" ? "Decision amended." : "Decision recorded.");
        router.refresh();
      }
    });
  };

  const next = () =>
    start(async () => {
      const res = await claimNextAction({ skip: caseId });
      if (!res.ok) return setError(res.error.message);
      router.push(res.data.caseId ? `/cases/${res.data.caseId}` : "/queue?review=done");
    });

  const undoOrAmend = () => {
    const last = lastDecision();
    if (last && Date.now() - last.at < DECISION_UNDO_MS) {
      start(async () => {
        const res = await undoDecisionAction({ decisionId: last.decisionId });
        if (!res.ok) {
          setError(res.error.message);
          if (canAmend) setAmending(true);
          return;
        }
        forgetDecision();
        setNotice("Decision undone.");
        if (res.data.caseId === caseId) router.refresh();
        else router.push(`/cases/${res.data.caseId}`);
      });
    } else if (canAmend) {
      setAmending(true);
      setNotice(null);
    } else {
      setError(`Nothing to undo: a decision can be undone for ${DECISION_UNDO_MS / 1000} seconds, then amended from its case.`);
    }
  };

  useShortcuts(
    isModerator
      ? {
          a: () => submit("authentic"),
          r: () => submit("confirmed_ai"),
          n: () => submit("needs_more_info"),
          u: undoOrAmend,
          j: next,
          k: () => {
            const prev = previousOf(caseId);
            if (prev) router.push(`/cases/${prev}`);
          },
        }
      : {},
  );

  return (
    <div className="space-y-3">
      {mode ? (
        <form
          className="space-y-2"
          data-testid="decision-form"
          data-mode={mode}
          onSubmit={(e) => {
            e.preventDefault();
            if (outcome) submit(outcome);
            else setError("Choose an outcome.");
          }}
        >
          {mode === "amend" && <p className="rounded-md bg-violet-50 px-2 py-1 text-xs text-violet-900">Amending: the new decision supersedes the one in force; both stay on record.</p>}
          <fieldset className="grid gap-1.5" disabled={pending}>
            <legend className="sr-only">Outcome</legend>
            {OUTCOMES.map((o) => (
              <label key={o.value} className={`flex cursor-pointer items-center gap-3 rounded-lg border border-slate-200 px-3 py-2 transition hover:bg-slate-50 ${o.tone}`}>
                <input type="radio" name="outcome" value={o.value} checked={outcome === o.value} onChange={() => setOutcome(o.value)} className="accent-slate-900" />
                <span className="min-w-0 flex-1">
                  <span className="block text-sm font-medium leading-tight">{o.label}</span>
                  <span className="block text-xs text-slate-500">{o.hint}</span>
                </span>
                <kbd className="rounded border border-slate-300 bg-white px-1.5 font-mono text-xs text-slate-600 shadow-sm" aria-hidden="true">{o.key}</kbd>
              </label>
            ))}
          </fieldset>
          <textarea ref={noteRef} name="note" rows={2} maxLength={2000} placeholder="Note for the record (optional)" className="w-full resize-none rounded-lg border border-slate-300 p-2 text-sm focus:border-slate-900 focus:outline-none" />
          <button disabled={pending} className="w-full rounded-lg bg-slate-900 px-3 py-2 text-sm font-semibold text-white hover:bg-slate-800 disabled:opacity-50" data-testid="record-decision">
            {pending ? "Saving…" : mode === "amend" ? "Amend decision" : "Record decision"}
          </button>
          <p className="text-[11px] text-slate-500">
            Press a key to decide{inSession ? " and move to your next case" : ""}; <kbd className="font-mono">u</kbd> undoes for {DECISION_UNDO_MS / 1000} s.
          </p>
        </form>
      ) : canAmend ? (
        <button type="button" onClick={() => setAmending(true)} className="w-full rounded-lg border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-50" data-testid="amend-decision">
          Amend decision <kbd className="ml-1 font-mono text-xs text-slate-500">u</kbd>
        </button>
      ) : null}
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
      {notice && !error && (
        <p role="status" className="text-sm text-emerald-700">
          {notice}
        </p>
      )}
      {isModerator && (
        <button type="button" onClick={next} disabled={pending} className="w-full rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50" data-testid="next-case">
          {inSession ? "Skip to next case" : "Review next case"} <kbd className="ml-1 font-mono text-xs text-slate-500">j</kbd>
        </button>
      )}
    </div>
  );
}
