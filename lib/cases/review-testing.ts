// Test helper: cases inserted straight into a state, without a scan, for claim and decision tests.
import { randomBytes } from "node:crypto";
import type { Db } from "../../db";
import { cases, images, policies, type CaseState } from "../../db/schema";
import { newId } from "../ids";

export interface SeedCase {
  state: CaseState;
  score?: number | null;
  verdict?: "ai_generated" | "likely_authentic" | "inconclusive" | null;
  /** Seconds ago the case was created (older first within a band). */
  ageSeconds?: number;
}

export async function seedCase(db: Db, seed: SeedCase): Promise<string> {
  const [policy] = await db.select({ id: policies.id }).from(policies).limit(1);
  const imageId = newId("image");
  const sha = randomBytes(32).toString("hex");
  await db.insert(images).values({ id: imageId, sha256: sha, mime: "image/png", format: "png", sizeBytes: 1, width: 1, height: 1, storageKey: `test/${sha}`, phash: "0".repeat(16) });
  const id = newId("case");
  await db.insert(cases).values({
    id,
    imageId,
    imageSizeBytes: 1,
    duplicateGroup: imageId,
    source: "upload",
    policyId: policy!.id,
    state: seed.state,
    score: seed.score ?? null,
    verdict: seed.verdict ?? null,
    createdAt: new Date(Date.now() - (seed.ageSeconds ?? 0) * 1000),
  });
  return id;
}
