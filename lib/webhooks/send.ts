// One webhook POST: node:http(s) with the pinned, checked address (lib/webhooks/address.ts), no
// redirects (a 3xx counts as a failure), and one deadline for the whole exchange.
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { BlockedAddressError, isAllowedAddress, pinnedLookup, type AddressPolicy } from "./address";

export interface SendResult {
  /** Null when no response came. */
  statusCode: number | null;
  /** Why it failed, for the delivery log (written for the admin who reads it). */
  error: string | null;
  durationMs: number;
}

export interface SendRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  policy: AddressPolicy;
}

export type SendFn = (req: SendRequest) => Promise<SendResult>;

const MAX_RESPONSE_BYTES = 64 * 1024;

export const sendWebhook: SendFn = (r) => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode, error, durationMs: elapsed() });
    };
    let url: URL;
    try {
      url = new URL(r.url);
    } catch {
      finish(null, "invalid URL");
      return;
    }
    // Node connects to an IP-literal host without calling `lookup`: check literals here.
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (isIP(host) && !isAllowedAddress(host, r.policy)) {
      finish(null, new BlockedAddressError(host).message);
      return;
    }
    const lib = url.protocol === "https:" ? https : http;
    const req = lib.request(url, {
      method: "POST",
      headers: { ...r.headers, "content-length": String(Buffer.byteLength(r.body)) },
      lookup: pinnedLookup(r.policy),
      agent: false,
    });
    timer = setTimeout(() => {
      req.destroy();
      finish(null, `no answer within ${r.timeoutMs / 1000} s`);
    }, r.timeoutMs);
    req.on("response", (res) => {
      let read = 0;
      res.on("data", (chunk: Buffer) => {
        read += chunk.length;
        // The receiver's body is not kept; stop reading a large one.
        if (read > MAX_RESPONSE_BYTES) res.destroy();
      });
      const status = res.statusCode ?? null;
      const done = () => finish(status, status !== null && status >= 200 && status < 300 ? null : `HTTP ${status}`);
      res.on("end", done);
      res.on("close", done);
      res.on("error", done);
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err instanceof BlockedAddressError || err.name === "BlockedAddressError") finish(null, err.message);
      else finish(null, err.code ? `connection failed (${err.code})` : "connection failed");
    });
    req.end(r.body);
  });
};
