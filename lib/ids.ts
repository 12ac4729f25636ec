// Prefixed, sortable ids (CONTRIBUTING.md, "Ids"): `case_…`, `img_…` make logs and URLs self-describing.
import { randomBytes } from "node:crypto";

export const ID_PREFIXES = {
  user: "usr",
  image: "img",
  case: "case",
  detection: "det",
  decision: "dec",
  event: "evt",
  policy: "pol",
  policyAssignment: "pas",
  apiKey: "key",
  request: "req",
  worker: "wrk",
  job: "job",
  webhookEndpoint: "whe",
  webhookDelivery: "whd",
  webhookEvent: "wev",
  webhookAttempt: "wha",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** `<prefix>_<10 chars of time><12 random chars>`: time-ordered, 62 bits of randomness. */
export function newId(kind: IdKind): string {
  const time = Date.now().toString(36).padStart(10, "0");
  const bytes = randomBytes(12);
  let rand = "";
  for (const b of bytes) rand += ALPHABET[b % 36];
  return `${ID_PREFIXES[kind]}_${time}${rand}`;
}
