import { eq, ne } from "drizzle-orm";
import { z } from "zod";
import { INCONCLUSIVE_ACTIONS, policies, type Policy } from "../../db/schema";
import { writeAudit } from "../audit";
import { authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { newId } from "../ids";
import { MAX_RETENTION_DAYS } from "../limits";

const RETENTION_MESSAGE = `Keep images for 1 to ${MAX_RETENTION_DAYS} days, or leave it blank to keep them.`;

export const savePolicyInput = z
  .object({
    /** Omit to create a new policy. */
    id: z.string().startsWith("pol_").optional(),
    name: z.string().trim().min(1).max(100).regex(/^[a-z0-9][a-z0-9_-]*$/, "Use lowercase letters, digits, - and _."),
    description: z.string().trim().max(500).default(""),
    quarantineThreshold: z.coerce.number().int().min(1).max(100),
    /** 0 turns the auto-clear band off (lib/policies/apply-policy.ts). */
    autoClearThreshold: z.coerce.number().int().min(0).max(99).default(0),
    inconclusiveAction: z.enum(INCONCLUSIVE_ACTIONS),
    blurImages: z.boolean().default(false),
    /** Days a settled case keeps its image (lib/cases/retention.ts); blank or null keeps images. */
    retentionDays: z
      .preprocess(
        (v) => (v === "" || v === undefined ? null : v),
        z.coerce
          .number({ message: RETENTION_MESSAGE })
          .int(RETENTION_MESSAGE)
          .min(1, RETENTION_MESSAGE)
          .max(MAX_RETENTION_DAYS, RETENTION_MESSAGE)
          .nullable(),
      )
      .default(null),
    isDefault: z.boolean().default(false),
  })
  .refine((p) => p.autoClearThreshold < p.quarantineThreshold, {
    message: "The auto-clear threshold must be below the quarantine threshold.",
    path: ["autoClearThreshold"],
  });
export type SavePolicyInput = z.input<typeof savePolicyInput>;

/** Create or update a named policy; making one the default unsets the previous default. */
export async function savePolicy({ ctx, input }: { ctx: Ctx; input: SavePolicyInput }): Promise<Policy> {
  authorize(ctx.actor, "managePolicies");
  const data = savePolicyInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    const clash = await tx.select({ id: policies.id }).from(policies).where(eq(policies.name, data.name));
    if (clash[0] && clash[0].id !== data.id) throw new AppError("conflict", "A policy with this name exists.", { param: "name" });
    const values = {
      name: data.name,
      description: data.description,
      quarantineThreshold: data.quarantineThreshold,
      autoClearThreshold: data.autoClearThreshold,
      inconclusiveAction: data.inconclusiveAction,
      blurImages: data.blurImages,
      retentionDays: data.retentionDays,
      updatedAt: new Date(),
    };
    let row: Policy | undefined;
    if (data.id) {
      const [current] = await tx.select().from(policies).where(eq(policies.id, data.id));
      if (!current) throw new AppError("not_found", "Policy not found.");
      if (current.isDefault && !data.isDefault) {
        throw new AppError("invalid_request", "Make another policy the default instead.", { param: "isDefault" });
      }
      [row] = await tx.update(policies).set({ ...values, isDefault: data.isDefault }).where(eq(policies.id, data.id)).returning();
    } else {
      [row] = await tx.insert(policies).values({ id: newId("policy"), ...values, isDefault: data.isDefault }).returning();
    }
    if (data.isDefault) await tx.update(policies).set({ isDefault: false }).where(ne(policies.id, row!.id));
    await writeAudit(tx, ctx.actor, { action: data.id ? "policy.update" : "policy.create", targetType: "policy", targetId: row!.id, data: values });
    return row!;
  });
}
