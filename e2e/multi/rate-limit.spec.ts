// A key's rate limit is one bucket in the database, shared by every web server: requests sent
// alternately straight to web server 0 and web server 1 (not through the proxy) draw from the same
// bucket, so the number of 200s is the key's limit, not twice it (lib/api-keys/rate-limit.ts).
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { adminCreateApiKey, signIn } from "../support/session";
import { MULTI_ADMIN } from "./playwright.config";

const LIMIT = 4;
// The bucket refills LIMIT/60 tokens a second, one every 15 s: the requests below take far less.
const REQUESTS = 10;

test("the rate limit trips → 429 with headers, across two server processes", async ({ page }) => {
  const webPorts = JSON.parse(readFileSync("data/multi/web-ports.json", "utf8")) as number[];
  expect(webPorts).toHaveLength(2);
  await signIn(page, MULTI_ADMIN.email, MULTI_ADMIN.password);
  const key = await adminCreateApiKey(page, { owner: `${MULTI_ADMIN.email} (admin)`, name: "multi-rate-limited", scopes: ["usage"], rateLimitPerMinute: LIMIT });

  const answers: { server: number; status: number; headers: Headers; body: { error?: { code: string } } }[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const server = i % 2;
    const res = await fetch(`http://127.0.0.1:${webPorts[server]}/api/v1/usage`, { headers: { authorization: `Bearer ${key}` } });
    answers.push({ server, status: res.status, headers: res.headers, body: (await res.json()) as { error?: { code: string } } });
  }

  // One shared bucket: LIMIT answers in all (not LIMIT per server), from both servers, counting down.
  const ok = answers.filter((a) => a.status === 200);
  expect(ok).toHaveLength(LIMIT);
  expect(answers.map((a) => a.status)).toEqual([...Array<number>(LIMIT).fill(200), ...Array<number>(REQUESTS - LIMIT).fill(429)]);
  expect(new Set(ok.map((a) => a.server))).toEqual(new Set([0, 1]));
  expect(ok.map((a) => a.headers.get("x-ratelimit-remaining"))).toEqual(Array.from({ length: LIMIT }, (_, i) => String(LIMIT - 1 - i)));

  const refused = answers.filter((a) => a.status === 429);
  expect(new Set(refused.map((a) => a.server))).toEqual(new Set([0, 1]));
  for (const a of answers) {
    expect(a.headers.get("x-ratelimit-limit")).toBe(String(LIMIT));
    expect(Number(a.headers.get("x-ratelimit-reset"))).toBeGreaterThan(0);
    expect(a.headers.get("x-request-id")).toMatch(/^req_/);
  }
  for (const a of refused) {
    expect(a.body.error?.code).toBe("rate_limited");
    expect(a.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(a.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(a.headers.get("retry-after"))).toBeLessThanOrEqual(60 / LIMIT);
  }
});
