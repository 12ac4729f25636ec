import { getDb } from "@/db";
import { requirePageActor } from "@/lib/auth/session";
import type { WebhookDeliveryStatus } from "@/db/schema/enums";
import { env } from "@/lib/env";
import { retrySchedule } from "@/lib/webhooks/backoff";
import { listDisabledEndpoints, listRecentDeliveries } from "@/lib/webhooks/queries";
import { EnableButton, ReplayButton } from "./_components/webhook-buttons";

export const dynamic = "force-dynamic";

const STATUS_LABEL: Record<WebhookDeliveryStatus, string> = { pending: "pending", delivered: "delivered", failed: "gave up" };

function duration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export default async function WebhooksPage() {
  await requirePageActor("manageWebhooks");
  const db = await getDb();
  const [disabled, deliveries] = await Promise.all([listDisabledEndpoints(db), listRecentDeliveries(db, 100)]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Webhooks</h1>
      {disabled.length > 0 && (
        <section role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm" data-testid="webhook-notice">
          <h2 className="mb-2 font-semibold text-amber-900">
            {disabled.length} webhook endpoint{disabled.length === 1 ? " was" : "s were"} disabled after repeated failures
          </h2>
          <ul className="space-y-1">
            {disabled.map((e) => (
              <li key={e.id} className="flex items-center gap-3">
                <code className="break-all">{e.url}</code>
                <span className="text-amber-800">key “{e.keyName}” of {e.owner}</span>
                <span className="text-xs text-amber-700">{e.disabledReason}</span>
                <span className="ml-auto"><EnableButton endpointId={e.id} /></span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <p className="text-sm text-slate-600">
        Failed deliveries are retried after about {retrySchedule(env.LOUPE_WEBHOOK_RETRY_BASE_MS).map(duration).join(", ")} (±20%), then given up and the key&apos;s endpoint disabled.
      </p>
      <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
        <thead className="bg-slate-50 text-left text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">Event</th>
            <th className="px-3 py-2 font-medium">Endpoint</th>
            <th className="px-3 py-2 font-medium">Status</th>
            <th className="px-3 py-2 font-medium">Attempts</th>
            <th className="px-3 py-2 font-medium">Created</th>
            <th className="px-3 py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {deliveries.length === 0 && (
            <tr>
              <td colSpan={6} className="px-3 py-3 text-slate-500">No deliveries yet.</td>
            </tr>
          )}
          {deliveries.map((d) => (
            <tr key={d.id} data-testid="delivery-row" className="align-top">
              <td className="px-3 py-2">
                <div className="font-medium">{d.event}</div>
                <code className="text-xs text-slate-500">{d.eventId}</code>
                {d.caseId && <div className="text-xs text-slate-500">{d.caseId}</div>}
              </td>
              <td className="max-w-xs break-all px-3 py-2 font-mono text-xs">{d.url}</td>
              <td className="px-3 py-2">
                {STATUS_LABEL[d.status]}
                {d.status === "pending" && d.attempts > 0 && <div className="text-xs text-slate-500">next {d.nextAttemptAt.toLocaleString()}</div>}
              </td>
              <td className="px-3 py-2">
                <ol className="space-y-0.5 text-xs">
                  {d.log.map((a) => (
                    <li key={a.id}>
                      #{a.attempt}: {a.statusCode ?? "—"} {a.error && a.statusCode === null ? a.error : ""} · {a.durationMs} ms · {a.createdAt.toLocaleTimeString()}
                    </li>
                  ))}
                </ol>
              </td>
              <td className="px-3 py-2 text-xs text-slate-500">{d.createdAt.toLocaleString()}</td>
              <td className="px-3 py-2">{!d.endpointDisabled && <ReplayButton deliveryId={d.id} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
