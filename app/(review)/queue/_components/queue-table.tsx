"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { StateBadge, VerdictLabel } from "@/components/state-badge";
import { throttle, useCaseEvents } from "@/components/use-case-events";

interface CaseRow {
  id: string;
  state: string;
  verdict: string | null;
  score: number | null;
  filename: string;
  source: string;
  created_at: string;
  image: { width: number; height: number; format: string };
}

/** The list, kept live by the event stream: a burst of changes refetches it (and the tab counts) once. */
export function QueueTable({ state, since }: { state: string | null; since: number }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const reload = useMemo(
    () =>
      throttle(() => {
        void queryClient.invalidateQueries({ queryKey: ["cases"] });
        router.refresh();
      }, 500),
    [queryClient, router],
  );
  useCaseEvents({ since, onEvent: reload, onResync: reload });
  const { data, error, isLoading } = useQuery({
    queryKey: ["cases", state],
    queryFn: async () => {
      const res = await fetch(`/api/v1/cases?limit=100${state ? `&state=${state}` : ""}`);
      const body = await res.json();
      if (!res.ok) throw new Error(body?.error?.message ?? "Could not load the queue.");
      return body as { data: CaseRow[] };
    },
  });
  if (isLoading) return <p className="text-slate-500">Loading…</p>;
  if (error) return <p role="alert" className="text-red-700">{error.message}</p>;
  const rows = data?.data ?? [];
  if (rows.length === 0) return <p className="rounded border border-slate-200 bg-white p-6 text-slate-500">No cases here.</p>;
  return (
    <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm" data-testid="queue-table">
      <thead className="bg-slate-50 text-left text-slate-500">
        <tr>
          <th className="px-3 py-2 font-medium">Image</th>
          <th className="px-3 py-2 font-medium">File</th>
          <th className="px-3 py-2 font-medium">State</th>
          <th className="px-3 py-2 font-medium">Verdict</th>
          <th className="px-3 py-2 font-medium">Source</th>
          <th className="px-3 py-2 font-medium">Submitted</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((c) => (
          <tr key={c.id} className="hover:bg-slate-50" data-testid="queue-row" data-case-id={c.id} data-state={c.state}>
            <td className="px-3 py-2">
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img src={`/api/v1/cases/${c.id}/image`} alt="" className="h-12 w-12 rounded object-cover" loading="lazy" />
            </td>
            <td className="px-3 py-2">
              <Link href={`/cases/${c.id}`} className="font-mono text-slate-900 underline-offset-2 hover:underline">
                {c.filename || c.id}
              </Link>
              <div className="text-xs text-slate-500">
                {c.image.format.toUpperCase()} · {c.image.width}×{c.image.height}
              </div>
            </td>
            <td className="px-3 py-2"><StateBadge state={c.state} /></td>
            <td className="px-3 py-2"><VerdictLabel verdict={c.verdict} score={c.score} /></td>
            <td className="px-3 py-2 text-slate-600">{c.source}</td>
            <td className="px-3 py-2 text-slate-600">{new Date(c.created_at).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
