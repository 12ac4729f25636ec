"use client";

import { useActionState } from "react";
import { ActionButton } from "@/components/action-button";
import { SecretBox } from "@/components/secret-box";
import { createApiKeyAction, revokeApiKeyAction } from "../actions";

export function CreateApiKeyForm() {
  const [state, action, pending] = useActionState(createApiKeyAction, undefined);
  return (
    <form action={action} className="space-y-3">
      <div className="flex gap-2">
        <input name="name" required maxLength={100} placeholder="Key name, e.g. upload-pipeline" className="flex-1 rounded border border-slate-300 px-2 py-1.5" />
        <button disabled={pending} className="rounded bg-slate-900 px-3 py-1.5 font-medium text-white disabled:opacity-50">Create key</button>
      </div>
      {state?.ok && <SecretBox secret={state.data.secret} />}
      {state && !state.ok && <p role="alert" className="text-sm text-red-700">{state.error.message}</p>}
    </form>
  );
}

export function RevokeButton({ keyId }: { keyId: string }) {
  return <ActionButton run={() => revokeApiKeyAction({ keyId })} label="Revoke" pendingLabel="Revoking…" className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100" />;
}
