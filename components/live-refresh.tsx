"use client";

import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { throttle, useCaseEvents } from "./use-case-events";

/**
 * Re-renders the page from the server when a case it shows changes state (every case when `caseId`
 * is left out), through router.refresh(): scroll position, form input and other client state stay.
 */
export function LiveRefresh({ since, caseId }: { since: number; caseId?: string }) {
  const router = useRouter();
  const refresh = useMemo(() => throttle(() => router.refresh(), 300), [router]);
  useCaseEvents({
    since,
    onEvent: (e) => {
      if (!caseId || e.case_id === caseId) refresh();
    },
    onResync: refresh,
  });
  return null;
}
