import { getDb } from "@/db";
import { listActiveApiKeys } from "@/lib/api-keys/queries";
import { listKeyEndpoints } from "@/lib/webhooks/queries";
import { MAX_WEBHOOK_ENDPOINTS_PER_KEY } from "@/lib/limits";
import { requirePageActor } from "@/lib/auth/session";
import { CreateApiKeyForm, RevokeButton } from "./_components/api-key-forms";
import { CreateWebhookForm, DeleteWebhookButton, EnableWebhookButton } from "./_components/webhook-forms";

export const dynamic = "force-dynamic";

export default async function ApiKeysPage() {
  const actor = await requirePageActor("manageApiKeys");
  const db = await getDb();
  const keys = await listActiveApiKeys(db, actor.id);
  const endpoints = await listKeyEndpoints(db, keys.map((k) => k.id));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">API keys</h1>
      <p className="text-slate-600">
        Keys act with your role ({actor.role}). Send them as <code>Authorization: Bearer lp_live_…</code> (or <code>x-api-key</code>) to <code>/api/v1/…</code>. New keys hold every
        scope; an admin can make narrower keys, test keys, and set limits under All keys.
      </p>
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <CreateApiKeyForm />
      </section>
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm">
        {keys.length === 0 && <li className="p-3 text-slate-600">No active keys.</li>}
        {keys.map((k) => (
          <li key={k.id} className="space-y-2 p-3" data-testid="api-key-row">
            <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
              <span className="font-medium">{k.name}</span>
              <code className="text-slate-600">{k.prefix}…</code>
              {k.mode === "test" && <span className="rounded bg-amber-100 px-1 text-xs text-amber-900">test</span>}
              <span className="text-slate-600">{k.scopes.join(", ")}</span>
              {k.expiresAt && <span className="text-xs text-amber-800">rotated; works until {k.expiresAt.toLocaleString()}</span>}
              <span className="text-slate-600">last used {k.lastUsedAt ? k.lastUsedAt.toLocaleString() : "never"}</span>
              <span className="ml-auto"><RevokeButton keyId={k.id} /></span>
            </div>
            <details className="rounded border border-slate-100 p-2" data-testid="webhooks">
              <summary className="cursor-pointer text-slate-600">
                Webhooks ({endpoints.filter((e) => e.apiKeyId === k.id).length} of {MAX_WEBHOOK_ENDPOINTS_PER_KEY})
              </summary>
              <ul className="my-2 space-y-1">
                {endpoints
                  .filter((e) => e.apiKeyId === k.id)
                  .map((e) => (
                    <li key={e.id} className="flex items-center gap-3" data-testid="webhook-row">
                      <code className="break-all">{e.url}</code>
                      <span className="text-xs text-slate-600">{e.events.length ? e.events.join(", ") : "every event"}</span>
                      {e.disabledAt && <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-800" title={e.disabledReason ?? ""}>disabled</span>}
                      <span className="ml-auto flex gap-2">
                        {e.disabledAt && <EnableWebhookButton endpointId={e.id} />}
                        <DeleteWebhookButton endpointId={e.id} />
                      </span>
                    </li>
                  ))}
              </ul>
              <CreateWebhookForm apiKeyId={k.id} />
            </details>
          </li>
        ))}
      </ul>
    </div>
  );
}
