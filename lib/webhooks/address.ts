// Where a webhook may be sent: http(s) URLs whose host resolves only to public addresses. Checked
// when an endpoint is registered and again at every delivery, on the address the connection
// actually uses (`pinnedLookup`), so a DNS name that later resolves to a private address
// (DNS rebinding) is refused too.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { AppError } from "../errors";
import { MAX_WEBHOOK_URL_LENGTH } from "../limits";

export interface AddressPolicy {
  /** LOUPE_WEBHOOK_ALLOW_LOOPBACK: tests and local development send to 127.0.0.1. */
  allowLoopback: boolean;
}

// Special-purpose ranges (IANA IPv4/IPv6 special-purpose address registries): private, shared
// (CGNAT), link-local (cloud metadata at 169.254.169.254), documentation, benchmarking, multicast,
// reserved, unique-local, NAT64 and 6to4 (which embed an IPv4 address that may be private).
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) BLOCKED.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) BLOCKED.addSubnet(net, prefix, "ipv6");

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Whether a webhook may connect to `ip` (IPv4-mapped IPv6 addresses are judged as their IPv4). */
export function isAllowedAddress(ip: string, policy: AddressPolicy): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  const type = family === 4 ? "ipv4" : "ipv6";
  if (LOOPBACK.check(ip, type)) return policy.allowLoopback;
  return !BLOCKED.check(ip, type);
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
