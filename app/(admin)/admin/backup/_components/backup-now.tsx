"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { ActionButton } from "@/components/action-button";
import { backupNowAction } from "../actions";

export function BackupNowButton() {
  return (
    <ActionButton
      run={() => backupNowAction({})}
      label="Back up now"
      pendingLabel="Starting…"
      className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-50"
    />
  );
}

/** While a backup is being written, the page is fetched again every 2 s, until the run has ended. */
export function RefreshWhileRunning() {
  const router = useRouter();
  useEffect(() => {
    const t = setInterval(() => router.refresh(), 2000);
    return () => clearInterval(t);
  }, [router]);
  return null;
}
