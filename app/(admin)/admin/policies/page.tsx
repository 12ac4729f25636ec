import type { Metadata } from "next";
import { getDb } from "@/db";
import { labelledScores, recentScoreBuckets } from "@/lib/analytics/queries";
import { rocCurve } from "@/lib/analytics/roc";
import { listPolicies } from "@/lib/policies/queries";
import { requirePageActor } from "@/lib/auth/session";
import { PolicyForm } from "./_components/policy-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage() {
  await requirePageActor("managePolicies");
  const db = await getDb();
  const [rows, labels, buckets] = await Promise.all([listPolicies(db), labelledScores(db), recentScoreBuckets(db, 30)]);
  const preview = { roc: rocCurve(labels), buckets };
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Policies</h1>
      <p className="max-w-3xl text-slate-600">
        A policy turns a detection into a queue state. A case is quarantined when its fused score (0–100) reaches the threshold, when the
        engine finds decisive provenance of AI generation, or — if the policy says so — when the verdict is inconclusive; otherwise it is
        cleared. New cases use the default policy; API callers can name another with <code>policy</code>. Changes apply to scans from now on.
      </p>
      {rows.map((p) => (
        <section key={p.id} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="policy">
          <PolicyForm
            policy={{ id: p.id, name: p.name, description: p.description, quarantineThreshold: p.quarantineThreshold, inconclusiveAction: p.inconclusiveAction, isDefault: p.isDefault }}
            preview={preview}
          />
        </section>
      ))}
      <section className="rounded-lg border border-dashed border-slate-300 bg-white p-4">
        <h2 className="mb-2 font-semibold">New policy</h2>
        <PolicyForm preview={preview} />
      </section>
    </div>
  );
}
