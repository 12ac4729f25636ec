"use client";

import { useActionState } from "react";
import type { UploadOrigin } from "@/db/schema/enums";
import { assignPolicyAction } from "../actions";

export const ORIGIN_LABELS: Record<UploadOrigin, string> = {
  upload: "Upload page",
  api: "REST API",
  quick_check: "Quick check, sent to review",
};

interface Option {
  id: string;
  name: string;
}

/** One rule: pick the policy for a target (an origin or an API key); "No rule" removes it. */
function RuleForm({ target, label, current, policies }: { target: string; label: string; current: string | null; policies: Option[] }) {
  const [state, action, pending] = useActionState(assignPolicyAction, undefined);
  const id = `rule-${target.replace(":", "-")}`;
  return (
    <form action={action} className="flex flex-wrap items-center gap-2 text-sm" data-testid="assignment-rule">
      <input type="hidden" name="target" value={target} />
      <label htmlFor={id} className="w-52">
        {label}
      </label>
      <select id={id} name="policyId" defaultValue={current ?? ""} className="rounded border border-slate-500 px-2 py-1.5">
        <option value="">No rule (next in line)</option>
        {policies.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <button disabled={pending} className="rounded border border-slate-500 px-3 py-1.5 disabled:opacity-50">
        Save rule
      </button>
      {state && (
        <span role={state.ok ? "status" : "alert"} className={state.ok ? "text-emerald-700" : "text-red-700"}>
          {state.ok ? (state.data.removed ? "Rule removed." : "Rule saved.") : state.error.message}
        </span>
      )}
    </form>
  );
}

export function PolicyAssignments({
  policies,
  rules,
  keys,
}: {
  policies: Option[];
  rules: { origin: UploadOrigin | null; apiKeyId: string | null; policyId: string }[];
  keys: (Option & { prefix: string })[];
}) {
  const byOrigin = new Map(rules.filter((r) => r.origin).map((r) => [r.origin!, r.policyId]));
  const byKey = new Map(rules.filter((r) => r.apiKeyId).map((r) => [r.apiKeyId!, r.policyId]));
  return (
    <div className="space-y-3">
      <p className="max-w-3xl text-sm text-slate-700">
        The most specific rule decides a new case: a policy the API caller names, then the rule for its API key, then the rule for where the upload came from,
        then the default policy. Rules apply to new cases; each case keeps the policy that decided it.
      </p>
      <h3 className="text-sm font-medium">By origin</h3>
      {(Object.keys(ORIGIN_LABELS) as UploadOrigin[]).map((o) => (
        <RuleForm key={o} target={`origin:${o}`} label={ORIGIN_LABELS[o]} current={byOrigin.get(o) ?? null} policies={policies} />
      ))}
      <h3 className="text-sm font-medium">By API key</h3>
      {keys.length === 0 ? (
        <p className="text-sm text-slate-700">No API keys yet.</p>
      ) : (
        keys.map((k) => <RuleForm key={k.id} target={`key:${k.id}`} label={`${k.name} (${k.prefix}…)`} current={byKey.get(k.id) ?? null} policies={policies} />)
      )}
    </div>
  );
}
