import { getDb } from "@/db";
import { listActiveApiKeys } from "@/lib/api-keys/queries";
import { requirePageActor } from "@/lib/auth/session";
import { CreateApiKeyForm, RevokeButton } from "./_components/api-key-forms";

export const dynamic = "force-dynamic";

export default async function ApiKeysPage() {
  const actor = await requirePageActor("manageApiKeys");
  const keys = await listActiveApiKeys(await getDb(), actor.id);
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
        {keys.length === 0 && <li className="p-3 text-slate-500">No active keys.</li>}
        {keys.map((k) => (
          <li key={k.id} className="flex items-center gap-4 p-3" data-testid="api-key-row">
            <span className="font-medium">{k.name}</span>
            <code className="text-slate-500">{k.prefix}…</code>
            {k.mode === "test" && <span className="rounded bg-amber-100 px-1 text-xs">test</span>}
            <span className="text-slate-500">{k.scopes.join(", ")}</span>
            {k.expiresAt && <span className="text-xs text-amber-700">rotated; works until {k.expiresAt.toLocaleString()}</span>}
            <span className="text-slate-500">last used {k.lastUsedAt ? k.lastUsedAt.toLocaleString() : "never"}</span>
            <span className="ml-auto"><RevokeButton keyId={k.id} /></span>
          </li>
        ))}
      </ul>
    </div>
  );
}
