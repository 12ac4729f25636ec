// Where a webhook may be sent: http(s) URLs whose host resolves only to public addresses. Checked
// when an endpoint is registered and again at every delivery, on the address the connection
// actually uses (`pinnedLookup`), so a DNS name that later resolves to a private address
// (DNS rebinding) is refused too.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { classifyAddress } from "../api/address-policy";
import { AppError } from "../errors";
import { MAX_WEBHOOK_URL_LENGTH } from "../limits";

export interface AddressPolicy {
  /** LOUPE_WEBHOOK_ALLOW_LOOPBACK: tests and local development send to 127.0.0.1. */
  allowLoopback: boolean;
}

/**
 * Whether a webhook may connect to `ip`: the same public-unicast-only rule as image URLs
 * (lib/api/address-policy.ts: private, CGNAT, link-local and cloud metadata, ULA, IPv4-mapped, NAT64,
 * 6to4 … refused), loopback only when the policy allows it.
 */
export function isAllowedAddress(ip: string, policy: AddressPolicy): boolean {
  return classifyAddress(ip, { allowLoopback: policy.allowLoopback }).allowed;
}

/** A webhook URL's syntax: http(s), no credentials, not too long. Throws `invalid_request` on `param`. */
export function parseWebhookUrl(raw: string, param = "url"): URL {
  const bad = (why: string) => new AppError("invalid_request", `${param}: ${why}`, { param });
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) throw bad(`at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad("not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw bad("use an http or https URL");
  if (url.username || url.password) throw bad("must not carry a user name or password");
  if (!url.hostname) throw bad("has no host");
  return url;
}

function hostOf(url: URL): string {
  // URL keeps IPv6 literals in brackets.
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))));
}

/**
 * Registration-time check: the URL's syntax and every address its host resolves to. Throws
 * `invalid_request` naming `param`.
 */
export async function assertWebhookUrl(raw: string, policy: AddressPolicy, param = "url"): Promise<URL> {
  const url = parseWebhookUrl(raw, param);
  const host = hostOf(url);
  let addrs: string[];
  if (isIP(host)) addrs = [host];
  else {
    try {
      addrs = (await resolveAll(host)).map((a) => a.address);
    } catch {
      throw new AppError("invalid_request", `${param}: the host ${host} does not resolve`, { param });
    }
  }
  if (addrs.length === 0 || !addrs.every((a) => isAllowedAddress(a, policy))) {
    throw new AppError("invalid_request", `${param}: webhooks cannot be sent to private, loopback or reserved addresses`, { param });
  }
  return url;
}

/** Thrown by `pinnedLookup` when the host resolves to a refused address. */
export class BlockedAddressError extends Error {
  constructor(host: string) {
    super(`${host} resolves to a private, loopback or reserved address`);
    this.name = "BlockedAddressError";
  }
}

/**
 * A `lookup` for http(s).request that resolves the host and refuses it unless every address is
 * allowed: the connection uses the address that was checked, not a second resolution.
 */
export function pinnedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const host = hostname.replace(/^\[(.*)\]$/, "$1");
    const done = (addrs: LookupAddress[]) => {
      if (addrs.length === 0 || !addrs.every((a) => isAllowedAddress(a.address, policy))) {
        callback(new BlockedAddressError(host) as NodeJS.ErrnoException, "", 4);
        return;
      }
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addrs);
      else callback(null, addrs[0]!.address, addrs[0]!.family);
    };
    const literal = isIP(host);
    if (literal) return done([{ address: host, family: literal }]);
    resolveAll(host).then(done, (err: NodeJS.ErrnoException) => callback(err, "", 4));
  };
}
