import { eq } from "drizzle-orm";
import { z } from "zod";
import { apiKeys, policies, policyAssignments, UPLOAD_ORIGINS } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { newId } from "../ids";

export const assignPolicyInput = z
  .object({
    /** The rule's target: an upload origin or one API key (exactly one). */
    origin: z.enum(UPLOAD_ORIGINS).optional(),
    apiKeyId: z.string().startsWith("key_").optional(),
    /** Null removes the rule, so the next rule in line (or the default policy) applies again. */
    policyId: z.string().startsWith("pol_").nullable(),
  })
  .refine((v) => (v.origin === undefined) !== (v.apiKeyId === undefined), { message: "Name either an origin or an API key.", path: ["origin"] });
export type AssignPolicyInput = z.input<typeof assignPolicyInput>;

/** Set or remove the policy rule for an upload origin or an API key (lib/policies/resolve-policy.ts). Applies to new cases only. */
export async function assignPolicy({ ctx, input }: { ctx: Ctx; input: AssignPolicyInput }): Promise<void> {
  authorize(ctx.actor, "managePolicies");
  const data = assignPolicyInput.parse(input);
  const target = data.origin ? eq(policyAssignments.origin, data.origin) : eq(policyAssignments.apiKeyId, data.apiKeyId!);
  await ctx.db.transaction(async (tx) => {
    if (data.apiKeyId) {
      const [key] = await tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, data.apiKeyId));
      if (!key) throw new AppError("not_found", "No such API key.", { param: "apiKeyId" });
    }
    let policyName: string | null = null;
    if (data.policyId) {
      const [policy] = await tx.select({ name: policies.name }).from(policies).where(eq(policies.id, data.policyId));
      if (!policy) throw new AppError("not_found", "Policy not found.", { param: "policyId" });
      policyName = policy.name;
    }
    const [before] = await tx.delete(policyAssignments).where(target).returning({ policyId: policyAssignments.policyId });
    if (data.policyId) {
      await tx.insert(policyAssignments).values({ id: newId("policyAssignment"), origin: data.origin ?? null, apiKeyId: data.apiKeyId ?? null, policyId: data.policyId });
    }
    await writeAudit(tx, ctx.actor, {
      action: data.policyId ? "policy.assign" : "policy.unassign",
      targetType: data.origin ? "upload_origin" : "api_key",
      targetId: data.origin ?? data.apiKeyId!,
      data: { policyId: data.policyId, policy: policyName, previousPolicyId: before?.policyId ?? null },
    });
  });
}
