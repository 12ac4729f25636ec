// Prefixed, sortable ids (CONTRIBUTING.md, "Ids"): `case_…`, `img_…` make logs and URLs self-describing.
import { randomFillSync } from "node:crypto";

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
  backup: "bkp",
  imageList: "lst",
  imageListEntry: "lse",
  caseNote: "note",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

// Random bytes drawn from the CSPRNG a pool at a time (as crypto.randomUUID does): a call into it per
// id showed in the profile of cached API lookups, which make one id each.
const POOL = Buffer.allocUnsafe(12 * 256);
let poolAt = POOL.length;

/** `<prefix>_<10 chars of time><12 random chars>`: time-ordered, 62 bits of randomness. */
export function newId(kind: IdKind): string {
  const time = Date.now().toString(36).padStart(10, "0");
  if (poolAt + 12 > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  let rand = "";
  for (let i = poolAt; i < poolAt + 12; i++) rand += ALPHABET[POOL[i]! % 36];
  poolAt += 12;
  return `${ID_PREFIXES[kind]}_${time}${rand}`;
}
