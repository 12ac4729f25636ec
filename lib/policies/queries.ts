// Read helpers for policy pages. They take `db | tx` explicitly.
import { asc } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { policies } from "../../db/schema";

export function listPolicies(db: DbOrTx) {
  return db.select().from(policies).orderBy(asc(policies.createdAt));
}
