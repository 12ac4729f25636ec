"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** While a case is waiting for or in a scan, re-render the page from the server every `ms`. */
export function AutoRefresh({ ms = 1500 }: { ms?: number }) {
  const router = useRouter();
  useEffect(() => {
    const t = setInterval(() => router.refresh(), ms);
    return () => clearInterval(t);
  }, [router, ms]);
  return null;
}
