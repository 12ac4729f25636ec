"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { rescanAction } from "../actions";

export function RescanButton({ caseId }: { caseId: string }) {
  const [pending, start] = useTransition();
  const router = useRouter();
  return (
    <button
      disabled={pending}
      onClick={() =>
        start(async () => {
          await rescanAction(caseId);
          router.refresh();
        })
      }
      className="rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 disabled:opacity-50"
    >
      {pending ? "Queuing…" : "Rescan"}
    </button>
  );
}
