import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePng } from "../detection/testing";
import { appErrorOf } from "../testing/app-error";
import { fetchImage } from "./fetch-image";

let server: http.Server;
let base = "";
let png: Buffer;
const hits: string[] = [];

beforeAll(async () => {
  png = await makePng({ width: 64, height: 48, seed: 5 });
  server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    const u = new URL(req.url ?? "/", "http://x");
    if (u.pathname === "/img.png") return void res.writeHead(200, { "content-type": "text/plain" }).end(png);
    if (u.pathname === "/redirect") return void res.writeHead(302, { location: u.searchParams.get("to") ?? "/img.png" }).end();
    if (u.pathname.startsWith("/hop/")) {
      const n = Number(u.pathname.slice(5));
      return void res.writeHead(301, { location: n > 0 ? `/hop/${n - 1}` : "/img.png" }).end();
    }
    if (u.pathname === "/big") {
      res.writeHead(200);
      // No Content-Length: the cap has to be counted while streaming.
      const chunk = Buffer.alloc(64 * 1024);
      for (let i = 0; i < 40; i++) res.write(chunk);
      return void res.end();
    }
    if (u.pathname === "/hang") return; // never answers
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});


describe("fetchImage with loopbackPort", () => {
  it("fetches from loopback on that port, and refuses a redirect to loopback on another port after one hit", async () => {
    const port = Number(new URL(base).port);
    expect((await fetchImage(`${base}/img.png`, { loopbackPort: port })).bytes.equals(png)).toBe(true);
    const before = hits.length;
    const elsewhere = `http://127.0.0.1:${port === 65535 ? 65534 : port + 1}/img.png`;
    const err = await appErrorOf(fetchImage(`${base}/redirect?to=${encodeURIComponent(elsewhere)}`, { loopbackPort: port }));
    expect(err.message).toMatch(/non-public address.*loopback/);
    expect(hits.length - before).toBe(1);
  });
});

describe("fetchImage refuses", () => {
  const port = () => new URL(base).port;
  it.each([
    ["loopback literal", () => `${base}/img.png`],
    ["a DNS name resolving to loopback", () => `http://localhost:${port()}/img.png`],
    ["hex IPv4", () => `http://0x7f000001:${port()}/img.png`],
    ["decimal IPv4", () => `http://2130706433:${port()}/img.png`],
    ["short IPv4", () => `http://127.1:${port()}/img.png`],
    ["IPv6 loopback", () => `http://[::1]:${port()}/img.png`],
    ["IPv4-mapped IPv6 loopback", () => `http://[::ffff:127.0.0.1]:${port()}/img.png`],
  ])("%s (loopback not allowed), without sending a request", async (_name, url) => {
    const before = hits.length;
    const err = await appErrorOf(fetchImage(url(), { allowLoopback: false }));
    expect(err.code).toBe("image_unfetchable");
    expect(err.param).toBe("image_url");
    expect(err.message).toMatch(/non-public address.*loopback/);
    expect(hits.length).toBe(before);
  });

  it("loopback on any port but the one test port (loopbackPort), without sending a request", async () => {
    const other = Number(port()) === 65535 ? 65534 : Number(port()) + 1;
    const before = hits.length;
    for (const url of [`${base}/img.png`, `http://localhost:${port()}/img.png`, `${base}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${port()}/img.png`)}`]) {
      const err = await appErrorOf(fetchImage(url, { loopbackPort: other }));
      expect(err.message).toMatch(/non-public address.*loopback/);
    }
    expect(hits.length).toBe(before);
  });

  it.each([
    ["cloud metadata", "http://169.254.169.254/latest/meta-data/", /link-local/],
    ["private", "http://10.0.0.1/x.png", /private/],
    ["IPv6 metadata", "http://[fd00:ec2::254]/", /unique local/],
    ["file scheme", "file:///etc/passwd", /Only http and https/],
    ["ftp scheme", "ftp://example.com/x.png", /Only http and https/],
    ["credentials", "http://user:pw@93.184.216.34/x.png", /credentials/],
    ["not a URL", "not a url", /not a valid absolute URL/],
  ])("%s even with loopback allowed", async (_name, url, message) => {
    const err = await appErrorOf(fetchImage(url, { allowLoopback: true }));
    expect(err.code).toBe("image_unfetchable");
    expect(err.message).toMatch(message);
  });

  it("a name with any non-public answer (DNS rebinding by a mixed answer)", async () => {
    const resolve = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.1", family: 4 },
    ];
    const err = await appErrorOf(fetchImage("http://mixed.test/x.png", { resolve }));
    expect(err.message).toMatch(/mixed\.test resolves to 10\.0\.0\.1/);
  });

  it.each([
    ["a private address", "http://10.0.0.1/x.png", /private/],
    ["the metadata address", "http://169.254.169.254/latest/", /link-local/],
    ["a name resolving to a private address", "http://internal.test/x.png", /internal\.test resolves to 10\.1\.2\.3/],
    ["a file URL", "file:///etc/passwd", /Only http and https/],
  ])("a redirect to %s", async (_name, to, message) => {
    // The first hop reaches the loopback test server (allowed here); the redirect target is checked again.
    const resolve = async (h: string) => [{ address: h === "internal.test" ? "10.1.2.3" : "127.0.0.1", family: 4 }];
    const before = hits.length;
    const err = await appErrorOf(fetchImage(`${base}/redirect?to=${encodeURIComponent(to)}`, { allowLoopback: true, resolve }));
    expect(err.code).toBe("image_unfetchable");
    expect(err.message).toMatch(message);
    expect(hits.length).toBe(before + 1);
  });

  it("more than 3 redirects", async () => {
    const err = await appErrorOf(fetchImage(`${base}/hop/3`, { allowLoopback: true }));
    expect(err.message).toMatch(/redirected more than 3 times/);
  });

  it("a body over the cap, counted while streaming", async () => {
    const err = await appErrorOf(fetchImage(`${base}/big`, { allowLoopback: true, maxBytes: 1024 * 1024 }));
    expect(err.code).toBe("image_too_large");
  });

  it("an error status and a server that never answers", async () => {
    expect((await appErrorOf(fetchImage(`${base}/missing`, { allowLoopback: true }))).message).toMatch(/HTTP 404/);
    expect((await appErrorOf(fetchImage(`${base}/hang`, { allowLoopback: true, timeoutMs: 300 }))).message).toMatch(/longer than 0.3 s/);
    // A resolver that never answers is cut off by the same timeout.
    const stuck = fetchImage("http://slow-dns.test/x.png", { resolve: () => new Promise(() => {}), timeoutMs: 200 });
    expect((await appErrorOf(stuck)).message).toMatch(/longer than 0.2 s/);
  });
});

describe("fetchImage fetches", () => {
  it("an image from an allowed address, ignoring its Content-Type", async () => {
    const out = await fetchImage(`${base}/img.png`, { allowLoopback: true });
    expect(out.bytes.equals(png)).toBe(true);
  });

  it("through up to 3 redirects, each checked", async () => {
    const out = await fetchImage(`${base}/hop/2`, { allowLoopback: true });
    expect(out.bytes.equals(png)).toBe(true);
    expect(out.url).toBe(`${base}/img.png`);
  });

  it("connects to the address it checked, not to a second DNS answer", async () => {
    // images.test exists only in this resolver: the socket can only reach the server through the pin.
    let calls = 0;
    const resolve = async () => {
      calls++;
      return [{ address: "127.0.0.1", family: 4 }];
    };
    const out = await fetchImage(`http://images.test:${new URL(base).port}/img.png`, { allowLoopback: true, resolve });
    expect(out.bytes.equals(png)).toBe(true);
    expect(calls).toBe(1);
  });
});
