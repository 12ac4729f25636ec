// The audit log as admins read it: newest first, filtered, with an exact cursor.
import { and, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db";
import { apiKeys, auditEvents, users } from "../../db/schema";
import { AppError } from "../errors";
import { text } from "../validation";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-12-31.");

/** The filters, as they arrive in the page's URL (every one optional; empty strings mean unset). */
export const auditFilters = z.object({
  action: text(100).optional(),
  actor: text(200).optional(),
  target: text(200).optional(),
  from: day.optional(),
  to: day.optional(),
  cursor: z.string().max(200).optional(),
});
export type AuditFilters = z.output<typeof auditFilters>;

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(evt_[0-9a-z]{1,64})$/;
const atText = sql<string>`to_char(${auditEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function encodeAuditCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`, "utf8").toString("base64url");
}

function decodeAuditCursor(cursor: string): { at: string; id: string } {
  const m = CURSOR.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw new AppError("invalid_request", "The cursor is not one this page made.", { param: "cursor" });
  return { at: m[1]!, id: m[2]! };
}

/**
 * One page of audit events matching the filters: `action` is a prefix (`case.` for every case event),
 * `actor` an email, user id or key id, `target` a case, user or other target id; dates are UTC days,
 * both inclusive.
 */
export async function listAuditEvents(db: DbOrTx, filters: AuditFilters, limit = 50) {
  const where: SQL[] = [];
  if (filters.action) where.push(ilike(auditEvents.action, `${filters.action.replace(/[\\%_]/g, "\\$&")}%`));
  if (filters.actor) {
    const actor = filters.actor.trim().toLowerCase();
    where.push(or(eq(auditEvents.actorId, filters.actor.trim()), eq(users.email, actor))!);
  }
  if (filters.target) where.push(or(eq(auditEvents.targetId, filters.target.trim()), eq(auditEvents.caseId, filters.target.trim()))!);
  if (filters.from) where.push(sql`${auditEvents.createdAt} >= ${`${filters.from}T00:00:00Z`}::timestamptz`);
  if (filters.to) where.push(sql`${auditEvents.createdAt} < (${`${filters.to}T00:00:00Z`}::timestamptz + interval '1 day')`);
  if (filters.cursor) {
    const pos = decodeAuditCursor(filters.cursor);
    where.push(sql`(${auditEvents.createdAt}, ${auditEvents.id}) < (${pos.at}::timestamptz, ${pos.id})`);
  }
  const rows = await db
    .select({ event: auditEvents, at: atText, userEmail: users.email, keyName: apiKeys.name })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .leftJoin(apiKeys, eq(apiKeys.id, auditEvents.actorId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ ...r.event, actorLabel: r.userEmail ?? r.keyName ?? r.event.actorId ?? r.event.actorType })),
    nextCursor: rows.length > limit && last ? encodeAuditCursor(last.at, last.event.id) : null,
  };
}
