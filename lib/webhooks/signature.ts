// X-Loupe-Signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the endpoint's
// secret. Plain Node (node:crypto only), so a client can copy this file to verify deliveries.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-loupe-signature";
/** A delivery older (or newer) than this is refused by `verifyWebhookSignature`: replayed captures fail. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The header value for `body` sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, body)}`;
}

export interface VerifyOptions {
  secret: string;
  /** The X-Loupe-Signature header as received. */
  header: string | null | undefined;
  /** The raw request body, exactly as received (not re-serialised JSON). */
  body: string;
  toleranceSeconds?: number;
  /** Unix seconds; defaults to the clock. */
  now?: number;
}

/**
 * True when the header carries a v1 signature of `body` under `secret` and its timestamp is within
 * the tolerance. Several v1 entries are allowed (any one may match), for secret rotation.
 */
export function verifyWebhookSignature(opts: VerifyOptions): boolean {
  if (!opts.header) return false;
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of opts.header.split(",")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === "t" && v && /^\d{1,12}$/.test(v)) timestamp = Number(v);
    else if (k === "v1" && v && /^[0-9a-f]{64}$/.test(v)) candidates.push(v);
  }
  if (timestamp === null || candidates.length === 0) return false;
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(computeSignature(opts.secret, timestamp, opts.body), "hex");
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, "hex"), expected));
}
