"use client";

import { ActionButton } from "@/components/action-button";
import { rescanAction } from "../actions";

export function RescanButton({ caseId }: { caseId: string }) {
  return <ActionButton run={() => rescanAction({ caseId })} label="Rescan" pendingLabel="Queuing…" />;
}
