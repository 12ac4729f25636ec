"use client";

import { useRouter } from "next/navigation";
import { useActionState, useState, useTransition } from "react";
import { ActionButton } from "@/components/action-button";
import { SecretBox } from "@/components/secret-box";
import { API_KEY_SCOPES, type ApiKeyScope } from "@/db/schema/enums";
import { DEFAULT_MONTHLY_IMAGE_QUOTA, DEFAULT_RATE_LIMIT_PER_MINUTE, DEFAULT_ROTATION_GRACE_HOURS } from "@/lib/limits";
import { adminCreateApiKeyAction, adminRevokeApiKeyAction, adminRotateApiKeyAction, updateApiKeyLimitsAction } from "../actions";

/** What each scope lets a key call (a Record, so a new scope fails the build until it has one). */
export const SCOPE_LABELS: Record<ApiKeyScope, string> = {
  detect: "detect (run the engine)",
  "cases:read": "cases:read (list and read cases)",
  "cases:write": "cases:write (submit, decide)",
  usage: "usage (read its usage)",
  lists: "lists (keep image lists; admins' keys)",
};

const input = "rounded border border-slate-300 px-2 py-1.5";

export function AdminCreateKeyForm({ users }: { users: { id: string; email: string; role: string }[] }) {
  const [state, action, pending] = useActionState(adminCreateApiKeyAction, undefined);
  return (
    <form action={action} className="space-y-3" data-testid="admin-create-key-form">
      <div className="grid grid-cols-1 gap-3 md:grid-cols-4">
        <select name="userId" required className={input} aria-label="Owner">
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.email} ({u.role})
            </option>
          ))}
        </select>
        <input name="name" required maxLength={100} placeholder="Key name, e.g. upload-pipeline" className={input} />
        <input name="rateLimitPerMinute" type="number" min={1} placeholder={`Requests/min (${DEFAULT_RATE_LIMIT_PER_MINUTE})`} className={input} aria-label="Requests per minute" />
        <input name="monthlyImageQuota" type="number" min={0} placeholder={`Images/month (${DEFAULT_MONTHLY_IMAGE_QUOTA})`} className={input} aria-label="Images per month" />
      </div>
      <div className="flex flex-wrap items-center gap-4 text-sm">
        {API_KEY_SCOPES.map((s) => (
          <label key={s} className="inline-flex items-center gap-1">
            <input type="checkbox" name="scopes" value={s} defaultChecked /> {SCOPE_LABELS[s]}
          </label>
        ))}
        <label className="inline-flex items-center gap-1">
          <input type="checkbox" name="test" /> test key (lp_test_: not counted, no quota)
        </label>
        <button disabled={pending} className="ml-auto rounded bg-slate-900 px-3 py-1.5 font-medium text-white disabled:opacity-50">
          {pending ? "Creating…" : "Create key"}
        </button>
      </div>
      {state?.ok && <SecretBox secret={state.data.secret} />}
      {state && !state.ok && <p role="alert" className="text-sm text-red-700">{state.error.message}</p>}
    </form>
  );
}

export function KeyLimitsForm({ keyId, rateLimitPerMinute, monthlyImageQuota }: { keyId: string; rateLimitPerMinute: number | null; monthlyImageQuota: number | null }) {
  const [state, action, pending] = useActionState(updateApiKeyLimitsAction, undefined);
  return (
    <form action={action} className="flex items-center gap-1" data-testid="key-limits-form">
      <input type="hidden" name="keyId" value={keyId} />
      <input name="rateLimitPerMinute" type="number" min={1} defaultValue={rateLimitPerMinute ?? ""} placeholder={String(DEFAULT_RATE_LIMIT_PER_MINUTE)} className="w-20 rounded border border-slate-300 px-1 py-0.5" aria-label="Requests per minute" />
      <span className="text-slate-500">/min</span>
      <input name="monthlyImageQuota" type="number" min={0} defaultValue={monthlyImageQuota ?? ""} placeholder={String(DEFAULT_MONTHLY_IMAGE_QUOTA)} className="w-24 rounded border border-slate-300 px-1 py-0.5" aria-label="Images per month" />
      <span className="text-slate-500">img/mo</span>
      <button disabled={pending} className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100">{pending ? "Saving…" : "Save limits"}</button>
      {state && <span role={state.ok ? "status" : "alert"} className={`text-xs ${state.ok ? "text-emerald-700" : "text-red-700"}`}>{state.ok ? "Saved" : state.error.message}</span>}
    </form>
  );
}

/** Rotates once; stays mounted after the refresh marks the key rotated, so the new secret stays shown. */
export function RotateKeyButton({ keyId, rotated }: { keyId: string; rotated: boolean }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<{ secret: string; until: string } | { error: string } | null>(null);
  const router = useRouter();
  return (
    <span className="inline-flex flex-col gap-1">
      {!rotated && (
        <button
          type="button"
          disabled={pending}
          className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100"
          onClick={() =>
            start(async () => {
              const res = await adminRotateApiKeyAction({ keyId, graceHours: DEFAULT_ROTATION_GRACE_HOURS });
              setResult(res.ok ? { secret: res.data.secret, until: res.data.oldExpiresAt } : { error: res.error.message });
              if (res.ok) router.refresh();
            })
          }
        >
          {pending ? "Rotating…" : "Rotate"}
        </button>
      )}
      {result && "secret" in result && <SecretBox secret={result.secret} note={`New key (the old one works until ${new Date(result.until).toLocaleString()}):`} />}
      {result && "error" in result && <span role="alert" className="text-xs text-red-700">{result.error}</span>}
    </span>
  );
}

export function AdminRevokeButton({ keyId }: { keyId: string }) {
  return <ActionButton run={() => adminRevokeApiKeyAction({ keyId })} label="Revoke" pendingLabel="Revoking…" className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100" />;
}
