import type { DbOrTx } from "../db";
import { sql, type SQL } from "drizzle-orm";
import type { Actor } from "./context";
import { newId } from "./ids";

export interface AuditInput {
  action: string;
  caseId?: string | null;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
}

export async function writeAudit(db: DbOrTx, actor: Actor, input: AuditInput): Promise<void> {
  await db.execute(auditRowSql(actor, input));
}

/**
 * The INSERT of one audit row, for writeAudit and for statements that write it beside other rows
 * (lib/live/publish-case-event.ts writes a case change's audit row and its event in one statement).
 */
export function auditRowSql(actor: Actor, input: AuditInput): SQL {
  return sql`insert into audit_events (id, actor_type, actor_id, action, case_id, target_type, target_id, data)
    values (${newId("event")}, ${actor.type}, ${"id" in actor ? actor.id : null}, ${input.action}, ${input.caseId ?? null},
      ${input.targetType ?? (input.caseId ? "case" : null)}, ${input.targetId ?? input.caseId ?? null}, ${JSON.stringify(input.data ?? {})}::jsonb)`;
}
