// Shared set-up for the webhook, job and delete tests: an API key row for a test user, and one real
// detection report computed once per file, so a test's scans are quick and still carry real engine output.
import { randomBytes } from "node:crypto";
import type { Db } from "../../db";
import { apiKeys } from "../../db/schema";
import type { Actor } from "../context";
import { runDetection, type DetectionReport } from "../detection";
import { hashApiKeySecret } from "../api-keys/api-key-secret";
import { newId } from "../ids";
import type { DetectFn } from "../worker/scan-case";

/** An API key owned by `user`, and the actor that uses it. */
export async function insertTestApiKey(db: Db, user: Extract<Actor, { type: "user" }>, name = "test-key"): Promise<Extract<Actor, { type: "api_key" }>> {
  const id = newId("apiKey");
  const secret = `lp_live_${randomBytes(16).toString("hex")}`;
  await db.insert(apiKeys).values({ id, name, prefix: secret.slice(0, 12), secretHash: hashApiKeySecret(secret), userId: user.id });
  return { type: "api_key", id, userId: user.id, role: user.role };
}

let cached: Promise<DetectionReport> | undefined;

/**
 * The engine's report (with heatmaps) for `bytes`, computed on the first call of the test file and
 * returned from then on. Tests pass a fixture image (lib/detection/testing).
 */
export function primeReport(bytes: Buffer): Promise<DetectionReport> {
  cached ??= runDetection(bytes, { heatmaps: true }).then((r) => {
    if (!r.ok) throw new Error(`fixture detection failed: ${r.error.message}`);
    return r.value;
  });
  return cached;
}

/** A detect function that answers with the primed report whatever the bytes. */
export const reuseReport: DetectFn = async () => {
  if (!cached) throw new Error("call primeReport() first");
  return { ok: true, value: await cached };
};
