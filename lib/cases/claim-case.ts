// Claiming: a moderator leases the next case of the review queue to themselves alone, for
// REVIEW_CLAIM_MS, so two moderators working through the queue never review the same case.
// A claim is a lease like the worker's scan lease (lib/worker/claim-case.ts), not a change to the
// case's record, so it writes no audit row; the decision that follows does.
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db";
import { cases, users } from "../../db/schema";
import { actorUserId, authorize, type Ctx } from "../context";
import { AppError } from "../errors";
import { REVIEW_CLAIM_MS } from "../limits";
import { DECIDABLE_STATES } from "./transition";

export const claimNextCaseInput = z.object({
  /** A case to pass over this time (the one the moderator skips with `j`); its claim is released. */
  skip: z.string().startsWith("case_").optional(),
});

/**
 * Risk order of the queue (on the claim subquery's alias `c`): quarantined first, then cases waiting
 * for a person after failed scans, then cleared cases the scan was unsure of, then the rest; within a
 * band the higher score first, then the oldest.
 */
const RISK_ORDER = `case when c.state = 'quarantined' then 0 when c.state = 'manual_review' then 1 when c.verdict = 'inconclusive' then 2 else 3 end,
  c.score desc nulls last, c.created_at asc, c.id asc`;

function reviewerOf(ctx: Ctx): string {
  const id = actorUserId(ctx.actor);
  if (!id) throw new AppError("forbidden");
  return id;
}

const claimUntil = () => sql`now() + make_interval(secs => ${REVIEW_CLAIM_MS / 1000})`;

/**
 * Claims the next case for the acting moderator and returns its id, or null when nothing waits.
 * A case they already hold comes first (so reloading the queue does not hand out a second one);
 * a case someone else holds is skipped until that claim expires. One UPDATE whose target row is
 * picked and locked by a FOR UPDATE SKIP LOCKED subquery: two concurrent claims lock different rows.
 */
export async function claimNextCase({ ctx, input }: { ctx: Ctx; input: z.input<typeof claimNextCaseInput> }): Promise<string | null> {
  authorize(ctx.actor, "decide");
  const data = claimNextCaseInput.parse(input);
  const me = reviewerOf(ctx);
  if (data.skip) await releaseClaim(ctx, data.skip);
  const states = sql.join(
    DECIDABLE_STATES.map((s) => sql`${s}`),
    sql`, `,
  );
  const skip = data.skip ?? "";
  const rows = await ctx.db
    .update(cases)
    .set({ claimedBy: me, claimExpiresAt: claimUntil() as unknown as Date })
    .where(
      sql`${cases.id} = (
        select c.id from ${cases} c
        where c.state in (${states})
          and c.deleted_at is null
          and c.image_removed_at is null
          and c.id <> ${skip}
          and (c.claimed_by is null or c.claimed_by = ${me} or c.claim_expires_at <= now())
        order by coalesce(c.claimed_by = ${me} and c.claim_expires_at > now(), false) desc, ${sql.raw(RISK_ORDER)}
        limit 1
        for update skip locked
      )`,
    )
    .returning({ id: cases.id });
  return rows[0]?.id ?? null;
}

/** Extends the acting moderator's claim on a case; false when they do not hold it (expired and taken, or decided). */
export async function extendClaim({ ctx, input }: { ctx: Ctx; input: { caseId: string } }): Promise<boolean> {
  authorize(ctx.actor, "decide");
  const me = reviewerOf(ctx);
  const rows = await ctx.db
    .update(cases)
    .set({ claimExpiresAt: claimUntil() as unknown as Date })
    .where(and(eq(cases.id, input.caseId), eq(cases.claimedBy, me), sql`${cases.claimExpiresAt} > now()`))
    .returning({ id: cases.id });
  return rows.length === 1;
}

/** Gives a case back to the queue (only the holder's own claim). */
export async function releaseClaim(ctx: Ctx, caseId: string): Promise<void> {
  const me = reviewerOf(ctx);
  await ctx.db.update(cases).set({ claimedBy: null, claimExpiresAt: null }).where(and(eq(cases.id, caseId), eq(cases.claimedBy, me)));
}

/** Who holds a live claim on a case, for the case page ("being reviewed by …"); null when nobody does. */
export async function claimHolder(db: DbOrTx, caseId: string): Promise<{ userId: string; email: string; expiresAt: Date } | null> {
  const [row] = await db
    .select({ userId: users.id, email: users.email, expiresAt: cases.claimExpiresAt })
    .from(cases)
    .innerJoin(users, eq(users.id, cases.claimedBy))
    .where(and(eq(cases.id, caseId), sql`${cases.claimExpiresAt} > now()`));
  return row && row.expiresAt ? { userId: row.userId, email: row.email, expiresAt: row.expiresAt } : null;
}
