import { getDb } from "@/db";
import { effectiveLimits, listAllApiKeys } from "@/lib/api-keys/queries";
import { requirePageActor } from "@/lib/auth/session";
import { listUsers } from "@/lib/users/queries";
import { AdminCreateKeyForm, AdminRevokeButton, KeyLimitsForm, RotateKeyButton } from "./_components/admin-key-forms";

export const dynamic = "force-dynamic";

export default async function AdminApiKeysPage() {
  await requirePageActor("administerApiKeys");
  const db = await getDb();
  const [keys, people] = await Promise.all([listAllApiKeys(db), listUsers(db)]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">API keys</h1>
      <p className="text-slate-600">
        Every user&apos;s working keys. A key acts with its owner&apos;s role, within its scopes; a rotated key keeps working for its grace period.
        Blank limits use the defaults.
      </p>
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Create a key</h2>
        <AdminCreateKeyForm users={people.filter((u) => !u.disabled).map((u) => ({ id: u.id, email: u.email, role: u.role }))} />
      </section>
      <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
        <thead className="bg-slate-50 text-left text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">Key</th>
            <th className="px-3 py-2 font-medium">Owner</th>
            <th className="px-3 py-2 font-medium">Scopes</th>
            <th className="px-3 py-2 font-medium">Limits</th>
            <th className="px-3 py-2 font-medium">Last used</th>
            <th className="px-3 py-2 font-medium" />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {keys.length === 0 && (
            <tr>
              <td colSpan={6} className="px-3 py-2 text-slate-500">No working keys.</td>
            </tr>
          )}
          {keys.map((k) => (
            <tr key={k.id} data-testid="admin-key-row" data-key-id={k.id}>
              <td className="px-3 py-2">
                <div className="font-medium">{k.name}</div>
                <code className="text-slate-500">{k.prefix}…</code> {k.mode === "test" && <span className="rounded bg-amber-100 px-1 text-xs">test</span>}
                {k.expiresAt && <div className="text-xs text-amber-700">rotated; works until {k.expiresAt.toLocaleString()}</div>}
              </td>
              <td className="px-3 py-2 font-mono">{k.email}</td>
              <td className="px-3 py-2">{k.scopes.join(", ")}</td>
              <td className="px-3 py-2">
                <KeyLimitsForm keyId={k.id} rateLimitPerMinute={k.rateLimitPerMinute} monthlyImageQuota={k.monthlyImageQuota} />
                <div className="text-xs text-slate-500">
                  now {effectiveLimits(k).rateLimitPerMinute}/min, {effectiveLimits(k).monthlyImageQuota} images/month
                </div>
              </td>
              <td className="px-3 py-2 text-slate-500">{k.lastUsedAt ? k.lastUsedAt.toLocaleString() : "never"}</td>
              <td className="space-x-2 px-3 py-2 text-right">
                <RotateKeyButton keyId={k.id} rotated={!!k.expiresAt} />
                <AdminRevokeButton keyId={k.id} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
