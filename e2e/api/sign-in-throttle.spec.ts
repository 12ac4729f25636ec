// The per-address sign-in throttle keys on the address the connection comes from. A client that sends
// its own `x-forwarded-for` (a new address each try) is still throttled after ADDRESS_RULE.free
// failures: `npm start`'s server replaces the header with the socket's peer (lib/cli/serve.mjs).
//
// The guesses come from 127.0.0.2 (a loopback source address of their own), so the throttle they
// trip does not touch the rest of the suite, which connects from 127.0.0.1. Each guess is a direct
// POST to Auth.js's credentials callback, for a different unknown account, so only the address key
// can stop them.
import http from "node:http";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { ADDRESS_RULE } from "../../lib/auth/throttle";

const SOURCE = "127.0.0.2";

function request(base: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const url = new URL(path, base);
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: opts.method ?? "GET", headers: opts.headers, localAddress: SOURCE },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

test("a forged x-forwarded-for does not escape the per-address sign-in throttle", async ({ baseURL }) => {
  const csrf = await request(baseURL!, "/api/auth/csrf");
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");

  const outcomes: string[] = [];
  for (let i = 0; i < ADDRESS_RULE.free + 10; i++) {
    const body = new URLSearchParams({ email: `nobody-${randomBytes(4).toString("hex")}@e2e.test`, password: "wrong-password", csrfToken }).toString();
    const res = await request(baseURL!, "/api/auth/callback/credentials", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie,
        // A different made-up client address on every try.
        "x-forwarded-for": `203.0.113.${i + 1}`,
      },
      body,
    });
    expect(res.status, res.body).toBe(302);
    const code = new URL(res.headers.location!, baseURL).searchParams.get("code") ?? "";
    outcomes.push(code);
    if (code.startsWith("throttled-")) break;
  }
  // Plain failures until the address's free allowance is spent, then the throttle answers.
  expect(outcomes.at(-1)).toMatch(/^throttled-\d+$/);
  expect(outcomes.length).toBeGreaterThan(ADDRESS_RULE.free);
  expect(outcomes.slice(0, ADDRESS_RULE.free).every((c) => !c.startsWith("throttled-"))).toBe(true);
});
