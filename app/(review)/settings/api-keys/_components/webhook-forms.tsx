"use client";

import { useActionState } from "react";
import { ActionButton } from "@/components/action-button";
import { WEBHOOK_EVENTS } from "@/db/schema/enums";
import { createWebhookEndpointAction, deleteWebhookEndpointAction, enableWebhookEndpointAction } from "../actions";

/** Add an endpoint to one key; the signing secret is shown once. */
export function CreateWebhookForm({ apiKeyId }: { apiKeyId: string }) {
  const [state, action, pending] = useActionState(createWebhookEndpointAction, undefined);
  return (
    <form action={action} className="space-y-2" data-testid="create-webhook-form">
      <input type="hidden" name="apiKeyId" value={apiKeyId} />
      <div className="flex gap-2">
        <input name="url" required maxLength={2000} placeholder="https://example.org/loupe-webhook" className="flex-1 rounded border border-slate-300 px-2 py-1" />
        <button disabled={pending} className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 disabled:opacity-50">Add webhook</button>
      </div>
      <fieldset className="flex flex-wrap gap-3 text-xs text-slate-600">
        <legend className="sr-only">Events (none ticked: every event)</legend>
        {WEBHOOK_EVENTS.map((e) => (
          <label key={e} className="inline-flex items-center gap-1">
            <input type="checkbox" name="events" value={e} /> {e}
          </label>
        ))}
        <span className="text-slate-600">(none ticked: every event)</span>
      </fieldset>
      {state?.ok && (
        <div className="rounded border border-emerald-200 bg-emerald-50 p-2 text-xs">
          Signing secret — copy it now, it is shown only once:
          <code className="mt-1 block break-all font-mono" data-testid="webhook-secret">{state.data.secret}</code>
        </div>
      )}
      {state && !state.ok && <p role="alert" className="text-xs text-red-700">{state.error.message}</p>}
    </form>
  );
}

export function DeleteWebhookButton({ endpointId }: { endpointId: string }) {
  return <ActionButton run={() => deleteWebhookEndpointAction({ endpointId })} label="Remove" pendingLabel="Removing…" className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100" />;
}

export function EnableWebhookButton({ endpointId }: { endpointId: string }) {
  return <ActionButton run={() => enableWebhookEndpointAction({ endpointId })} label="Re-enable" pendingLabel="Enabling…" className="rounded border border-amber-300 px-2 py-0.5 text-xs hover:bg-amber-50" />;
}
