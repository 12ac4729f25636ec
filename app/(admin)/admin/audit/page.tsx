import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db";
import { auditFilters, listAuditEvents } from "@/lib/audit-log/queries";
import { requirePageActor } from "@/lib/auth/session";
import { normaliseError } from "@/lib/errors";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit log" };

const FIELDS = [
  { name: "action", label: "Action starts with", placeholder: "case. or user.password" },
  { name: "actor", label: "Actor (email or id)", placeholder: "admin@example.org" },
  { name: "target", label: "Target (case, user or key id)", placeholder: "case_…" },
] as const;

function withCursor(params: Record<string, string>, cursor: string | null): string {
  const q = new URLSearchParams(Object.entries(params).filter(([k, v]) => v && k !== "cursor"));
  if (cursor) q.set("cursor", cursor);
  return `/admin/audit?${q.toString()}`;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageActor("viewAudit");
  const raw = Object.fromEntries(Object.entries(await searchParams).flatMap(([k, v]) => (typeof v === "string" && v !== "" ? [[k, v]] : [])));
  const parsed = auditFilters.safeParse(raw);
  let error: string | null = parsed.success ? null : normaliseError(parsed.error).message;
  let page: Awaited<ReturnType<typeof listAuditEvents>> = { items: [], nextCursor: null };
  if (parsed.success) {
    try {
      page = await listAuditEvents(await getDb(), parsed.data);
    } catch (err) {
      error = normaliseError(err).message;
    }
  }
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <form method="get" className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-2 lg:grid-cols-6" aria-label="Filter the audit log">
        {FIELDS.map((f) => (
          <label key={f.name} className="block lg:col-span-1">
            <span className="mb-1 block font-medium text-slate-800">{f.label}</span>
            <input name={f.name} defaultValue={raw[f.name] ?? ""} placeholder={f.placeholder} className="w-full rounded border border-slate-400 px-2 py-1.5" />
          </label>
        ))}
        <label className="block">
          <span className="mb-1 block font-medium text-slate-800">From (UTC day)</span>
          <input type="date" name="from" defaultValue={raw.from ?? ""} className="w-full rounded border border-slate-400 px-2 py-1.5" />
        </label>
        <label className="block">
          <span className="mb-1 block font-medium text-slate-800">To (UTC day)</span>
          <input type="date" name="to" defaultValue={raw.to ?? ""} className="w-full rounded border border-slate-400 px-2 py-1.5" />
        </label>
        <div className="flex items-end gap-2">
          <button className="rounded bg-slate-900 px-3 py-1.5 font-medium text-white">Filter</button>
          <Link href="/admin/audit" className="rounded border border-slate-400 px-3 py-1.5 text-slate-800">Clear</Link>
        </div>
      </form>
      {error && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          {error}
        </p>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <caption className="sr-only">Audit events, newest first</caption>
          <thead className="bg-slate-50 text-left text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">When (UTC)</th>
              <th scope="col" className="px-3 py-2 font-medium">Actor</th>
              <th scope="col" className="px-3 py-2 font-medium">Action</th>
              <th scope="col" className="px-3 py-2 font-medium">Target</th>
              <th scope="col" className="px-3 py-2 font-medium">Details</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {page.items.length === 0 && (
              <tr>
                <td colSpan={5} className="px-3 py-6 text-center text-slate-700">
                  No events match these filters. Clear them to see everything.
                </td>
              </tr>
            )}
            {page.items.map((e) => (
              <tr key={e.id} data-testid="audit-row">
                <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{e.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                <td className="px-3 py-2">
                  <span className="text-slate-600">{e.actorType}</span> {e.actorLabel !== e.actorType && <span className="break-all">{e.actorLabel}</span>}
                </td>
                <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                <td className="px-3 py-2 font-mono text-xs break-all">
                  {e.caseId ? <Link className="text-sky-800 underline" href={`/cases/${e.caseId}`}>{e.caseId}</Link> : e.targetId}
                </td>
                <td className="max-w-md px-3 py-2 text-xs">
                  <dl className="flex flex-wrap gap-x-3 gap-y-0.5">
                    {Object.entries(e.data).map(([k, v]) => (
                      <div key={k} className="min-w-0 break-all">
                        <dt className="inline text-slate-600">{k}</dt> <dd className="inline font-mono">{typeof v === "string" ? v : JSON.stringify(v)}</dd>
                      </div>
                    ))}
                  </dl>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.nextCursor && (
        <Link href={withCursor(raw, page.nextCursor)} className="inline-block rounded border border-slate-400 px-3 py-1.5 text-sm text-slate-800">
          Older events
        </Link>
      )}
    </div>
  );
}
