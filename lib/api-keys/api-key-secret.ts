import { createHash, randomBytes } from "node:crypto";
import type { ApiKeyMode } from "../../db/schema/enums";

/** `lp_live_…` or `lp_test_…` + 32 random bytes (base64url). Only the sha256 is stored. */
export function generateApiKeySecret(mode: ApiKeyMode = "live"): { secret: string; prefix: string; hash: string } {
  const secret = `lp_${mode}_${randomBytes(32).toString("base64url")}`;
  return { secret, prefix: secret.slice(0, 12), hash: hashApiKeySecret(secret) };
}

// A plain sha256 is enough: the secret has 256 bits of entropy, so it cannot be guessed offline.
export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
