import { describe, expect, it } from "vitest";
import { classifyAddress, isLoopback } from "./address-policy";

// Hosts as WHATWG URL parsing hands them over: odd IPv4 forms are normalised before classification.
const host = (u: string) => new URL(u).hostname;

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.1", "private (10"],
    ["172.16.0.1", "private (172.16"],
    ["172.31.255.255", "private (172.16"],
    ["192.168.1.1", "private (192.168"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.255", "carrier-grade NAT"],
    ["0.0.0.0", "this network"],
    ["0.1.2.3", "this network"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "reserved"],
    ["192.0.2.10", "documentation"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "unspecified"],
    ["fd00:ec2::254", "unique local"],
    ["fc00::1", "unique local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:7f00:1", "IPv4-mapped loopback"],
    ["::ffff:169.254.169.254", "IPv4-mapped link-local"],
    ["::ffff:10.1.2.3", "IPv4-mapped private"],
    ["::127.0.0.1", "IPv4-compatible"],
    ["::a00:1", "IPv4-compatible"],
    ["64:ff9b::a9fe:a9fe", "NAT64 link-local"],
    ["2002:7f00:1::", "6to4 loopback"],
    ["2001:0:4136:e378::1", "Teredo"],
    ["2001:db8::1", "documentation"],
    [host("http://0x7f000001/"), "loopback"],
    [host("http://2130706433/"), "loopback"],
    [host("http://127.1/"), "loopback"],
    [host("http://0177.0.0.1/"), "loopback"],
    [host("http://0x0a.0.0.1/"), "private (10"],
    [host("http://[::ffff:a9fe:a9fe]/"), "IPv4-mapped link-local"],
    ["localhost", "not an IP address"],
    ["", "not an IP address"],
  ])("refuses %s (%s)", (ip, reason) => {
    const v = classifyAddress(ip);
    expect(v.allowed).toBe(false);
    if (!v.allowed) expect(v.reason).toContain(reason);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1", "169.253.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])(
    "allows the public address %s",
    (ip) => expect(classifyAddress(ip)).toEqual({ allowed: true }),
  );

  it("lets loopback (only loopback) through with allowLoopback", () => {
    for (const ip of ["127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"]) {
      expect(isLoopback(ip)).toBe(true);
      expect(classifyAddress(ip, { allowLoopback: true })).toEqual({ allowed: true });
    }
    for (const ip of ["10.0.0.1", "169.254.169.254", "fd00:ec2::254", "0.0.0.0", "::"]) {
      expect(classifyAddress(ip, { allowLoopback: true }).allowed).toBe(false);
    }
  });
});
