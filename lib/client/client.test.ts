// The client against a local fake server (node:http): retries on 429/503 honouring Retry-After (capped),
// one Idempotency-Key per call reused on its retries, the error envelope as LoupeApiError, and the
// request shapes each method sends.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLoupeClient, LoupeApiError, parseRetryAfter } from "./index";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
type Reply = (req: Seen, res: http.ServerResponse) => void;

let server: http.Server;
let baseUrl = "";
let seen: Seen[] = [];
let replies: Reply[] = [];

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => (_req, res) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};
const envelope = (code: string, message: string, extra: Record<string, string> = {}) => ({ error: { code, message, request_id: "req_fake", ...extra } });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      const reply = replies.shift() ?? json(500, { error: { code: "internal_error", message: "no reply queued", request_id: "req_x" } });
      reply(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
  replies = [];
});

/** A client that records its waits instead of sleeping. */
function client(extra: Partial<Parameters<typeof createLoupeClient>[0]> = {}) {
  const waits: number[] = [];
  const c = createLoupeClient({ baseUrl: `${baseUrl}/`, apiKey: "lp_test_abc", sleep: async (ms) => void waits.push(ms), ...extra });
  return { c, waits };
}

const USAGE = { from: "2026-12-01", to: "2027-01-01", data: [] };

describe("retries", () => {
  it("retries a 429 after Retry-After, with the same Idempotency-Key", async () => {
    replies = [json(429, envelope("rate_limited", "slow down"), { "retry-after": "2" }), json(200, { verdict: "inconclusive" })];
    const { c, waits } = client();
    const out = await c.detect(new Uint8Array([1, 2, 3]));
    expect(out.verdict).toBe("inconclusive");
    expect(waits).toEqual([2000]);
    expect(seen).toHaveLength(2);
    const [a, b] = seen.map((s) => s.headers["idempotency-key"]);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toBe(a);
  });

  it("gives each call its own Idempotency-Key, and uses the caller's when given", async () => {
    replies = [json(200, {}), json(200, {}), json(200, {})];
    const { c } = client();
    await c.detect(new Uint8Array([1]));
    await c.detect(new Uint8Array([1]));
    await c.detect(new Uint8Array([1]), {}, { idempotencyKey: "order-77" });
    const keys = seen.map((s) => s.headers["idempotency-key"]);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe("order-77");
  });

  it("sends no Idempotency-Key on GET and DELETE", async () => {
    replies = [json(200, USAGE), json(200, { id: "case_1", deleted: true })];
    const { c } = client();
    await c.usage();
    await c.deleteCase("case_1");
    expect(seen.map((s) => s.headers["idempotency-key"])).toEqual([undefined, undefined]);
  });

  it("caps a long Retry-After at maxRetryDelayMs", async () => {
    replies = [json(503, envelope("service_unavailable", "db down"), { "retry-after": "3600" }), json(200, USAGE)];
    const { c, waits } = client({ maxRetryDelayMs: 5000 });
    await c.usage();
    expect(waits).toEqual([5000]);
  });

  it("backs off exponentially without Retry-After, and stops after maxAttempts with the last error", async () => {
    replies = [0, 1, 2, 3].map(() => json(503, envelope("service_unavailable", "db down")));
    const { c, waits } = client({ maxAttempts: 4, baseRetryDelayMs: 100 });
    const err = await c.usage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoupeApiError);
    expect(err).toMatchObject({ status: 503, code: "service_unavailable", attempts: 4, requestId: "req_fake" });
    expect(waits).toEqual([100, 200, 400]);
    expect(seen).toHaveLength(4);
  });

  it("retries a dropped connection", async () => {
    replies = [(_req, res) => res.socket?.destroy(), json(200, USAGE)];
    const { c, waits } = client();
    expect(await c.usage()).toEqual(USAGE);
    expect(waits).toEqual([500]);
  });

  it("does not retry other errors", async () => {
    replies = [json(422, envelope("image_corrupt", "The image is truncated or corrupt.", { param: "body" }))];
    const { c, waits } = client();
    const err = (await c.detect(new Uint8Array([9])).catch((e: unknown) => e)) as LoupeApiError;
    expect(err).toMatchObject({ name: "LoupeApiError", status: 422, code: "image_corrupt", param: "body", requestId: "req_fake", attempts: 1, message: "The image is truncated or corrupt." });
    expect(waits).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it("maps a body that is not the envelope to unexpected_response, keeping X-Request-Id", async () => {
    replies = [(_req, res) => { res.writeHead(502, { "content-type": "text/html", "x-request-id": "req_proxy" }); res.end("<h1>Bad gateway</h1>"); }];
    const { c } = client();
    const err = (await c.getCase("case_1").catch((e: unknown) => e)) as LoupeApiError;
    expect(err).toMatchObject({ status: 502, code: "unexpected_response", requestId: "req_proxy" });
    expect(err.message).toContain("Bad gateway");
  });

  it("retries 429 with maxAttempts 1 not at all", async () => {
    replies = [json(429, envelope("rate_limited", "slow"), { "retry-after": "1" })];
    const { c } = client({ maxAttempts: 1 });
    await expect(c.usage()).rejects.toMatchObject({ code: "rate_limited", retryAfter: 1, attempts: 1 });
  });
});

describe("requests", () => {
  it("authenticates with the key as a bearer token and joins the path to the base URL", async () => {
    replies = [json(200, USAGE)];
    const { c } = client();
    await c.usage({ from: "2026-12-01" });
    expect(seen[0]).toMatchObject({ method: "GET", url: "/api/v1/usage?from=2026-12-01" });
    expect(seen[0]!.headers.authorization).toBe("Bearer lp_test_abc");
  });

  it("detect sends bytes raw with options in the query, a Blob as multipart, a URL as JSON", async () => {
    replies = [json(200, {}), json(200, {}), json(200, {})];
    const { c } = client();
    await c.detect(new Uint8Array([0xff, 0xd8, 0xff]), { include_heatmaps: "urls", signals: ["ela", "noise"], metadata: { a: 1 } });
    await c.detect(new File([new Uint8Array([1, 2])], "x.jpg", { type: "image/jpeg" }), { create_case: true });
    await c.detect({ url: "https://example.org/a.png" }, { retention: "none" });
    expect(seen[0]!.headers["content-type"]).toBe("application/octet-stream");
    expect([...seen[0]!.body]).toEqual([0xff, 0xd8, 0xff]);
    const q = new URL(seen[0]!.url, baseUrl).searchParams;
    expect(Object.fromEntries(q)).toEqual({ include_heatmaps: "urls", signals: "ela,noise", metadata: '{"a":1}' });
    expect(seen[1]!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen[1]!.body.toString("latin1")).toMatch(/name="image"; filename="x.jpg"[\s\S]*name="create_case"\r\n\r\ntrue/);
    expect(JSON.parse(seen[2]!.body.toString())).toEqual({ image_url: "https://example.org/a.png", retention: "none" });
  });

  it("createCase sends a `file` part; detectAsync an `image` part with its fields", async () => {
    replies = [json(202, {}), json(202, {})];
    const { c } = client();
    await c.createCase(new Uint8Array([1]), { external_ref: "ref-1" });
    await c.detectAsync(new Uint8Array([1]), { webhook_url: "https://example.org/h", metadata: { upload: "u-1" } });
    expect(seen[0]!.body.toString("latin1")).toMatch(/name="file"; filename="image"[\s\S]*name="external_ref"\r\n\r\nref-1/);
    expect(seen[1]!.body.toString("latin1")).toMatch(/name="image"[\s\S]*name="webhook_url"\r\n\r\nhttps:\/\/example.org\/h[\s\S]*name="metadata"\r\n\r\n\{"upload":"u-1"\}/);
  });

  it("detectBatch sends repeated parts for bytes, JSON items for URLs, and refuses a mix", async () => {
    replies = [json(207, { data: [] }), json(207, { data: [] })];
    const { c } = client();
    await c.detectBatch([new Uint8Array([1]), new Uint8Array([2])]);
    await c.detectBatch([{ url: "https://example.org/1.png" }, { base64: "AAAA" }], { signals: "ela" });
    expect(seen[0]!.body.toString("latin1").match(/name="image"/g)).toHaveLength(2);
    expect(JSON.parse(seen[1]!.body.toString())).toEqual({ items: [{ image_url: "https://example.org/1.png" }, { image_base64: "AAAA" }], signals: "ela" });
    expect(() => c.detectBatch([new Uint8Array([1]), { url: "https://example.org/1.png" }])).toThrow(TypeError);
  });

  it("listCases joins states with commas; decide posts JSON", async () => {
    replies = [json(200, { data: [], next_cursor: null }), json(200, {})];
    const { c } = client();
    await c.listCases({ state: ["quarantined", "manual_review"], limit: 10 });
    await c.decide("case_1", { outcome: "confirmed_ai", note: "ok" });
    expect(seen[0]!.url).toBe("/api/v1/cases?state=quarantined%2Cmanual_review&limit=10");
    expect(seen[1]).toMatchObject({ method: "POST", url: "/api/v1/cases/case_1/decision" });
    expect(JSON.parse(seen[1]!.body.toString())).toEqual({ outcome: "confirmed_ai", note: "ok" });
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["5", 5],
    [" 12 ", 12],
    ["", null],
    ["soon", null],
    ["Sun, 06 Dec 2026 00:00:30 GMT", 30],
    ["Sun, 06 Dec 2026 00:00:00 GMT", 0],
  ])("%j → %j", (value, seconds) => {
    expect(parseRetryAfter(value, Date.parse("2026-12-06T00:00:00Z"))).toBe(seconds);
  });
});

describe("case export", () => {
  it("sends the view's filters and parses JSON Lines that arrive split across chunks", async () => {
    const rows = [{ case_id: "case_a", file_name: "née, 1.jpg", score: 91 }, { case_id: "case_b", file_name: "b.jpg", score: null }];
    const text = rows.map((r) => `${JSON.stringify(r)}\n`).join("");
    const bytes = Buffer.from(text, "utf8");
    replies = [
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8" });
        // Cut inside a line and inside the two bytes of "é".
        const cut = bytes.indexOf(Buffer.from("é")) + 1;
        res.write(bytes.subarray(0, cut));
        setTimeout(() => res.end(bytes.subarray(cut)), 20);
      },
    ];
    const { c } = client();
    const got = [];
    for await (const row of c.exportedCases({ state: ["quarantined", "manual_review"], score_min: 50 })) got.push(row);
    expect(got).toEqual(rows);
    const url = new URL(seen[0]!.url, baseUrl);
    expect(url.pathname).toBe("/api/v1/cases/export");
    expect(Object.fromEntries(url.searchParams)).toEqual({ state: "quarantined,manual_review", score_min: "50", format: "jsonl" });
  });

  it("hands back the CSV response as it is", async () => {
    replies = [
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/csv; charset=utf-8" });
        res.end("case_id\r\ncase_a\r\n");
      },
    ];
    const res = await client().c.exportCases({ decision: "none" });
    expect(await res.text()).toBe("case_id\r\ncase_a\r\n");
    expect(new URL(seen[0]!.url, baseUrl).search).toBe("?decision=none");
  });
});
