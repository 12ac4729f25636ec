import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db";
import { labelledScores, recentScoreBuckets } from "@/lib/analytics/queries";
import { rocCurve } from "@/lib/analytics/roc";
import { listAssignableApiKeys, listPolicies, listPolicyAssignments } from "@/lib/policies/queries";
import { requirePageActor } from "@/lib/auth/session";
import { retentionStatus } from "@/lib/cases/retention";
import { PolicyAssignments } from "./_components/policy-assignments";
import { PolicyForm } from "./_components/policy-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage() {
  await requirePageActor("managePolicies");
  const db = await getDb();
  const [rows, labels, buckets, rules, keys, retention] = await Promise.all([
    listPolicies(db),
    labelledScores(db),
    recentScoreBuckets(db, 30),
    listPolicyAssignments(db),
    listAssignableApiKeys(db),
    retentionStatus(db),
  ]);
  const preview = { roc: rocCurve(labels), buckets };
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Policies</h1>
      <p className="max-w-3xl text-slate-600">
        A policy turns a detection into a queue state. A case is quarantined when its fused score (0–100) reaches the quarantine threshold,
        and cleared when it is at or below the auto-clear threshold. In between, decisive provenance of AI generation quarantines, an
        inconclusive verdict does what the policy says, and a likely authentic one is cleared. An image on one of the{" "}
        <Link href="/admin/lists" className="text-sky-700 underline">image lists</Link> is quarantined or cleared by that list first. Which policy
        applies is set under Assignment below. Threshold changes apply to scans from now on; a retention applies to every case of the
        policy, old ones included.
      </p>
      {rows.map((p) => (
        <section key={p.id} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="policy">
          <PolicyForm
            policy={{
              id: p.id,
              name: p.name,
              description: p.description,
              quarantineThreshold: p.quarantineThreshold,
              autoClearThreshold: p.autoClearThreshold,
              inconclusiveAction: p.inconclusiveAction,
              blurImages: p.blurImages,
              retentionDays: p.retentionDays,
              isDefault: p.isDefault,
            }}
            preview={preview}
            retention={retention.find((r) => r.policyId === p.id)}
          />
        </section>
      ))}
      <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="assignment-heading">
        <h2 id="assignment-heading" className="mb-2 font-semibold">
          Assignment
        </h2>
        <PolicyAssignments policies={rows.map((p) => ({ id: p.id, name: p.name }))} rules={rules} keys={keys} />
      </section>
      <section className="rounded-lg border border-dashed border-slate-300 bg-white p-4">
        <h2 className="mb-2 font-semibold">New policy</h2>
        <PolicyForm preview={preview} />
      </section>
    </div>
  );
}
