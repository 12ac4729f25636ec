"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Keeps the queue current while cases are scanned: re-reads the page from the server every `ms`
 * while the tab is visible. The page is a server component driven by its URL, so `router.refresh()`
 * is all an update needs (a push of case changes can call it instead of this timer).
 */
export function QueueLiveRefresh({ ms = 2000 }: { ms?: number }) {
  const router = useRouter();
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === "visible") router.refresh();
    }, ms);
    return () => clearInterval(t);
  }, [router, ms]);
  return null;
}
