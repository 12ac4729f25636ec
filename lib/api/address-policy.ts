// Which IP addresses an image URL may reach (lib/api/fetch-image.ts). Only public unicast addresses:
// everything that can reach this host, its network, a cloud metadata service or nothing at all is
// refused. Ranges: RFC 6890 (special-purpose registries), RFC 6598 (CGNAT), RFC 4291 §2.5.5 (IPv4-
// compatible and -mapped IPv6), RFC 6052 (NAT64), RFC 3056 (6to4), RFC 4380 (Teredo), RFC 4193 (ULA).
import net from "node:net";

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

const V4_REFUSED: [string, number, string][] = [
  ["0.0.0.0", 8, "this network (0.0.0.0/8)"],
  ["10.0.0.0", 8, "private (10.0.0.0/8)"],
  ["100.64.0.0", 10, "carrier-grade NAT (100.64.0.0/10)"],
  ["127.0.0.0", 8, "loopback (127.0.0.0/8)"],
  ["169.254.0.0", 16, "link-local, cloud metadata (169.254.0.0/16)"],
  ["172.16.0.0", 12, "private (172.16.0.0/12)"],
  ["192.0.0.0", 24, "IETF protocol assignments (192.0.0.0/24)"],
  ["192.0.2.0", 24, "documentation (192.0.2.0/24)"],
  ["192.88.99.0", 24, "6to4 relay anycast (192.88.99.0/24)"],
  ["192.168.0.0", 16, "private (192.168.0.0/16)"],
  ["198.18.0.0", 15, "benchmarking (198.18.0.0/15)"],
  ["198.51.100.0", 24, "documentation (198.51.100.0/24)"],
  ["203.0.113.0", 24, "documentation (203.0.113.0/24)"],
  ["224.0.0.0", 4, "multicast (224.0.0.0/4)"],
  ["240.0.0.0", 4, "reserved and broadcast (240.0.0.0/4)"],
];

function v4ToInt(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function classifyV4(ip: string): AddressVerdict {
  const n = v4ToInt(ip);
  for (const [base, bits, reason] of V4_REFUSED) {
    const size = 2 ** (32 - bits);
    const start = v4ToInt(base);
    if (n >= start && n < start + size) return { allowed: false, reason };
  }
  return { allowed: true };
}

/** The eight 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail expanded). */
function v6Groups(ip: string): number[] {
  let s = ip.toLowerCase();
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const n = v4ToInt(tail[1]!);
    s = `${s.slice(0, -tail[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = s.split("::") as [string, string | undefined];
  const a = head ? head.split(":") : [];
  const b = rest !== undefined && rest !== "" ? rest.split(":") : [];
  const fill = rest === undefined ? [] : Array(8 - a.length - b.length).fill("0");
  return [...a, ...fill, ...b].map((g) => parseInt(g, 16));
}

function embeddedV4(g: number[], from: number): string {
  return [g[from]! >> 8, g[from]! & 0xff, g[from + 1]! >> 8, g[from + 1]! & 0xff].join(".");
}

function classifyV6(ip: string): AddressVerdict {
  const g = v6Groups(ip);
  const zeroUpTo = (k: number) => g.slice(0, k).every((x) => x === 0);
  if (zeroUpTo(8)) return { allowed: false, reason: "unspecified (::)" };
  if (zeroUpTo(7) && g[7] === 1) return { allowed: false, reason: "loopback (::1)" };
  // ::ffff:a.b.c.d reaches the IPv4 address itself: judge that address.
  if (zeroUpTo(5) && g[5] === 0xffff) {
    const v4 = classifyV4(embeddedV4(g, 6));
    return v4.allowed ? v4 : { allowed: false, reason: `IPv4-mapped ${v4.reason}` };
  }
  // ::a.b.c.d (deprecated IPv4-compatible) and ::ffff:0:a.b.c.d (SIIT): never needed for a public image.
  if (zeroUpTo(6) || (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0)) return { allowed: false, reason: "IPv4-compatible IPv6 (::/96)" };
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address a gateway will reach.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    const v4 = classifyV4(embeddedV4(g, 6));
    return v4.allowed ? v4 : { allowed: false, reason: `NAT64 ${v4.reason}` };
  }
  if (g[0] === 0x2002) {
    const v4 = classifyV4(embeddedV4(g, 1));
    return v4.allowed ? v4 : { allowed: false, reason: `6to4 ${v4.reason}` };
  }
  if (g[0] === 0x2001 && g[1] === 0) return { allowed: false, reason: "Teredo (2001::/32)" };
  if (g[0] === 0x2001 && g[1] === 0xdb8) return { allowed: false, reason: "documentation (2001:db8::/32)" };
  if (g[0] === 0x100 && zeroUpTo(4)) return { allowed: false, reason: "discard-only (100::/64)" };
  // fd00:ec2::254 (AWS's IPv6 metadata service) lies in fc00::/7.
  if ((g[0]! & 0xfe00) === 0xfc00) return { allowed: false, reason: "unique local (fc00::/7)" };
  if ((g[0]! & 0xffc0) === 0xfe80) return { allowed: false, reason: "link-local (fe80::/10)" };
  if ((g[0]! & 0xffc0) === 0xfec0) return { allowed: false, reason: "site-local (fec0::/10)" };
  if ((g[0]! & 0xff00) === 0xff00) return { allowed: false, reason: "multicast (ff00::/8)" };
  return { allowed: true };
}

/** True for 127.0.0.0/8 and ::1 (and ::ffff:127.x): what tests let through (LOUPE_FETCH_LOOPBACK_PORT, LOUPE_WEBHOOK_ALLOW_LOOPBACK). */
export function isLoopback(ip: string): boolean {
  if (net.isIPv4(ip)) return ip.startsWith("127.");
  if (!net.isIPv6(ip)) return false;
  const g = v6Groups(ip);
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true;
  return g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff && g[6]! >> 8 === 127;
}

/**
 * Whether `ip` (a literal IPv4 or IPv6 address, as resolved or as written in a URL after WHATWG
 * parsing) may be fetched. Anything that is not a well-formed address is refused.
 */
export function classifyAddress(ip: string, opts: { allowLoopback?: boolean } = {}): AddressVerdict {
  const bare = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  if (opts.allowLoopback && isLoopback(bare)) return { allowed: true };
  if (net.isIPv4(bare)) return classifyV4(bare);
  if (net.isIPv6(bare)) return classifyV6(bare);
  return { allowed: false, reason: "not an IP address" };
}
