// Routes that a script calls with a configured secret (the worker route, backups) check it here:
// `Authorization: Bearer <secret>`, compared as sha256 digests in constant time (equal lengths, no
// early exit that would time the secret out).
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Whether an Authorization header carries `secret` as its bearer token; never with no secret configured. */
export function bearerSecretMatches(authorization: string | null, secret: string | undefined): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  return Boolean(secret && m && timingSafeEqual(digest(m[1]!), digest(secret)));
}
