"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions";

/** A button that runs a server action, then refreshes the page, or shows the action's error beside it. */
export function ActionButton({
  run,
  label,
  pendingLabel,
  className = "rounded border border-slate-500 px-3 py-1 text-sm hover:bg-slate-100 disabled:opacity-50",
}: {
  run: () => Promise<ActionResult<unknown>>;
  label: string;
  pendingLabel: string;
  className?: string;
}) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const router = useRouter();
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        disabled={pending}
        className={className}
        onClick={() =>
          start(async () => {
            const res = await run();
            setError(res.ok ? null : res.error.message);
            if (res.ok) router.refresh();
          })
        }
      >
        {pending ? pendingLabel : label}
      </button>
      {error && (
        <span role="alert" className="text-xs text-red-700" data-testid="action-error">
          {error}
        </span>
      )}
    </span>
  );
}
