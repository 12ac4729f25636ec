"use client";

import { ActionButton } from "@/components/action-button";
import { enableEndpointAction, replayDeliveryAction } from "../actions";

export function ReplayButton({ deliveryId }: { deliveryId: string }) {
  return <ActionButton run={() => replayDeliveryAction({ deliveryId })} label="Replay" pendingLabel="Queuing…" className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100" />;
}

export function EnableButton({ endpointId }: { endpointId: string }) {
  return <ActionButton run={() => enableEndpointAction({ endpointId })} label="Re-enable" pendingLabel="Enabling…" className="rounded border border-amber-300 px-2 py-0.5 text-xs hover:bg-amber-100" />;
}
