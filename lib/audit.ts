import type { DbOrTx } from "../db";
import { auditEvents } from "../db/schema";
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
  await db.insert(auditEvents).values({
    id: newId("event"),
    actorType: actor.type,
    actorId: "id" in actor ? actor.id : null,
    action: input.action,
    caseId: input.caseId ?? null,
    targetType: input.targetType ?? (input.caseId ? "case" : null),
    targetId: input.targetId ?? input.caseId ?? null,
    data: input.data ?? {},
  });
}
