"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useShortcuts } from "@/components/use-shortcuts";
import { claimNextAction } from "../../cases/[id]/actions";

/** Claims the moderator's next case (highest risk first) and opens it; decisions then move on by themselves. */
export function StartReviewing({ done = false }: { done?: boolean }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<string | null>(done ? "You have reviewed every case waiting for you." : null);
  const go = () =>
    start(async () => {
      const res = await claimNextAction({});
      if (!res.ok) return setMessage(res.error.message);
      if (!res.data.caseId) return setMessage("Nothing is waiting for review.");
      router.push(`/cases/${res.data.caseId}`);
    });
  useShortcuts({ j: go });
  return (
    <span className="inline-flex items-center gap-3">
      {message && (
        <span role="status" className="text-sm text-slate-600" data-testid="review-message">
          {message}
        </span>
      )}
      <button
        type="button"
        disabled={pending}
        data-testid="start-reviewing"
        className="rounded-lg bg-slate-900 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-slate-800 disabled:opacity-50"
        onClick={go}
        title="Claim the next case of your queue (j)"
      >
        {pending ? "Claiming…" : "Start reviewing"} <kbd className="ml-1 rounded bg-white/20 px-1 font-mono text-xs">j</kbd>
      </button>
    </span>
  );
}
