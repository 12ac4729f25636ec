"use client";

import Link from "next/link";
import { ActionButton } from "@/components/action-button";
import type { DecisionOutcome } from "@/db/schema/enums";
import { applySameDecisionAction } from "../duplicate-actions";

const OUTCOME_LABELS: Record<DecisionOutcome, string> = { confirmed_ai: "Confirmed AI", authentic: "Authentic", needs_more_info: "Needs more info" };

/** The rows of `relatedCases` (lib/cases/related-cases.ts) this component reads. */
export interface DecidedDuplicate {
  id: string;
  filename: string;
  sameImage: boolean;
  distance: number;
  outcome: string | null;
}

/**
 * On an undecided case: the earlier decisions on the same image (or a near-duplicate), each with
 * "Apply the same decision". Place it in the case page's decision section, given `relatedCases(...)`
 * and shown only when the viewer may decide and the case is decidable. Renders nothing otherwise.
 */
export function ApplySameDecision({ caseId, related }: { caseId: string; related: DecidedDuplicate[] }) {
  const decided = related.filter((r): r is DecidedDuplicate & { outcome: string } => r.outcome !== null).slice(0, 3);
  if (decided.length === 0) return null;
  return (
    <div id="duplicates" className="mb-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950" data-testid="apply-same-decision">
      <p className="font-medium">This picture was decided before.</p>
      <ul className="mt-2 space-y-2">
        {decided.map((r) => (
          <li key={r.id} className="flex flex-wrap items-center gap-2" data-testid="decided-duplicate" data-case-id={r.id}>
            <span>
              <strong>{OUTCOME_LABELS[r.outcome as DecisionOutcome] ?? r.outcome}</strong> in{" "}
              <Link href={`/cases/${r.id}`} className="font-mono underline">{r.filename || r.id}</Link>{" "}
              ({r.sameImage ? "same image" : `near-duplicate, ${r.distance} of 64 bits differ`})
            </span>
            <ActionButton
              run={() => applySameDecisionAction({ caseId, sourceCaseId: r.id })}
              label="Apply the same decision"
              pendingLabel="Applying…"
              className="rounded border border-amber-700 bg-white px-3 py-1 text-sm font-medium text-amber-950 hover:bg-amber-100 focus-visible:outline-2 focus-visible:outline-amber-900"
            />
          </li>
        ))}
      </ul>
    </div>
  );
}
