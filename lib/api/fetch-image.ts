// Fetching an image from a caller's URL without letting the caller reach what only this server can
// (SSRF): http/https only; the host is resolved first and every address it resolves to must be public
// (lib/api/address-policy.ts); the connection is pinned to the checked address (a custom `lookup`, so a
// second DNS answer cannot differ: no rebinding); every redirect (at most MAX_FETCH_REDIRECTS) is
// checked again; one timeout covers the whole fetch; the body is counted as it streams and cut at
// MAX_UPLOAD_BYTES. The image type is decided later by magic bytes (the engine's decoder); the
// response's Content-Type is ignored.
import dns from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { LookupFunction } from "node:net";
import { env } from "../env";
import { AppError } from "../errors";
import { FETCH_TIMEOUT_MS, MAX_BYTES_LABEL, MAX_FETCH_REDIRECTS, MAX_UPLOAD_BYTES } from "../limits";
import { classifyAddress } from "./address-policy";

export interface FetchImageOptions {
  /** Let loopback addresses through on any port (unit tests only). */
  allowLoopback?: boolean;
  /**
   * Let loopback addresses through on this one port only (defaults to LOUPE_FETCH_LOOPBACK_PORT,
   * unset in production): a test's image server is reachable, 127.0.0.1 on every other port is not.
   */
  loopbackPort?: number;
  /** Defaults to the system resolver; tests inject names. */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
  timeoutMs?: number;
  maxBytes?: number;
  /** Which request field the URL came from, for the error's `param`. */
  param?: string;
}

export interface FetchedImage {
  bytes: Buffer;
  /** The URL the bytes came from, after redirects. */
  url: string;
}

const systemResolve = (hostname: string) => dns.lookup(hostname, { all: true, verbatim: true });

function refuse(message: string, param: string, cause?: unknown): AppError {
  return new AppError("image_unfetchable", message, { param, cause });
}

/** Parse and check one URL; resolve its host and check every address. Returns the address to pin to. */
type CheckOptions = Required<Pick<FetchImageOptions, "allowLoopback" | "resolve" | "param">> & { loopbackPort: number | undefined };

/** The URL's port, explicit or the scheme's default. */
function effectivePort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

async function checkTarget(raw: string, opts: CheckOptions): Promise<{ url: URL; address: string; family: 4 | 6 }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("The image URL is not a valid absolute URL.", opts.param);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse(`Only http and https image URLs are fetched, not ${url.protocol.replace(":", "")}.`, opts.param);
  if (url.username || url.password) throw refuse("Image URLs with credentials are not fetched.", opts.param);
  // WHATWG parsing has already turned 0x7f000001, 2130706433 and 127.1 into 127.0.0.1.
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: { address: string; family: number }[];
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) }];
  else {
    try {
      addresses = await opts.resolve(host);
    } catch (err) {
      throw refuse(`The image URL's host ${host} could not be resolved.`, opts.param, err);
    }
    if (addresses.length === 0) throw refuse(`The image URL's host ${host} could not be resolved.`, opts.param);
  }
  // Every answer must be public: a name that resolves to one public and one private address is refused.
  const allowLoopback = opts.allowLoopback || (opts.loopbackPort !== undefined && effectivePort(url) === opts.loopbackPort);
  for (const a of addresses) {
    const verdict = classifyAddress(a.address, { allowLoopback });
    if (!verdict.allowed) {
      const via = a.address === host ? "" : ` (${host} resolves to ${a.address})`;
      throw refuse(`The image URL points to a non-public address${via}: ${verdict.reason}. Only public addresses are fetched.`, opts.param);
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

interface Hop {
  status: number;
  location: string | null;
  body: Buffer | null;
}

function request(target: { url: URL; address: string; family: 4 | 6 }, signal: AbortSignal, maxBytes: number, param: string): Promise<Hop> {
  // Pinned: whatever name the URL holds, the socket connects to the address that was checked.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const lib = target.url.protocol === "https:" ? https : http;
  return new Promise<Hop>((resolve, reject) => {
    const req = lib.request(
      target.url,
      { method: "GET", lookup, signal, headers: { accept: "image/*", "user-agent": "Loupe image fetcher" }, agent: false },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          resolve({ status, location: res.headers.location ?? null, body: null });
          return;
        }
        if (status < 200 || status >= 300) {
          res.resume();
          reject(refuse(`The image URL answered HTTP ${status}.`, param));
          return;
        }
        const declared = Number(res.headers["content-length"] ?? "0");
        if (declared > maxBytes) {
          res.destroy();
          reject(new AppError("image_too_large", `The image at the URL is over ${MAX_BYTES_LABEL}.`, { param }));
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on("data", (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) {
            res.destroy();
            reject(new AppError("image_too_large", `The image at the URL is over ${MAX_BYTES_LABEL}.`, { param }));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status, location: null, body: Buffer.concat(chunks, total) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Fetch an image URL safely; failures are `image_unfetchable` (or `image_too_large`) AppErrors. */
export async function fetchImage(rawUrl: string, options: FetchImageOptions = {}): Promise<FetchedImage> {
  const opts = {
    allowLoopback: options.allowLoopback ?? false,
    loopbackPort: options.loopbackPort ?? env.LOUPE_FETCH_LOOPBACK_PORT,
    resolve: options.resolve ?? systemResolve,
    param: options.param ?? "image_url",
  };
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const tooSlow = () => refuse(`Fetching the image URL took longer than ${timeoutMs / 1000} s.`, opts.param);
  // DNS lookups cannot be aborted: the timeout wins the race instead.
  const timedOut = new Promise<never>((_, reject) => controller.signal.addEventListener("abort", () => reject(tooSlow()), { once: true }));
  timedOut.catch(() => {});
  try {
    let current = rawUrl;
    for (let hop = 0; ; hop++) {
      const target = await Promise.race([checkTarget(current, opts), timedOut]);
      const res = await request(target, controller.signal, maxBytes, opts.param);
      if (res.body) return { bytes: res.body, url: target.url.toString() };
      if (!res.location) throw refuse(`The image URL answered HTTP ${res.status} without a Location.`, opts.param);
      if (hop >= MAX_FETCH_REDIRECTS) throw refuse(`The image URL redirected more than ${MAX_FETCH_REDIRECTS} times.`, opts.param);
      current = new URL(res.location, target.url).toString();
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (controller.signal.aborted) throw tooSlow();
    throw refuse(`The image URL could not be fetched: ${(err as NodeJS.ErrnoException).code ?? "connection failed"}.`, opts.param, err);
  } finally {
    clearTimeout(timer);
  }
}
