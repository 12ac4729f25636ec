import { describe, expect, it } from "vitest";
import { computeSignature, signatureHeader, verifyWebhookSignature } from "./signature";

const secret = "whsec_test_secret";
const body = JSON.stringify({ id: "wev_1", type: "job.completed", data: { n: 1 } });
const t = 1_800_000_000;

describe("webhook signatures", () => {
  it("signs t.body with HMAC-SHA256 (known vector)", () => {
    // Computed independently: printf '%s' '1800000000.{"a":1}' | openssl dgst -sha256 -hmac key
    expect(computeSignature("key", t, '{"a":1}')).toBe("7330c9cf7d886970cbebbbb5494c04d2aeff06a990adb7d7a75abfeb0159d291");
    expect(signatureHeader(secret, t, body)).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
  });

  const header = signatureHeader(secret, t, body);
  const cases: { name: string; opts: Partial<Parameters<typeof verifyWebhookSignature>[0]>; ok: boolean }[] = [
    { name: "the header as sent", opts: {}, ok: true },
    { name: "within the tolerance", opts: { now: t + 299 }, ok: true },
    { name: "too old", opts: { now: t + 301 }, ok: false },
    { name: "from the future", opts: { now: t - 301 }, ok: false },
    { name: "another secret", opts: { secret: "whsec_other" }, ok: false },
    { name: "a changed body", opts: { body: body.replace("1", "2") }, ok: false },
    { name: "a changed timestamp", opts: { header: header.replace(`t=${t}`, `t=${t + 1}`), now: t + 1 }, ok: false },
    { name: "no header", opts: { header: null }, ok: false },
    { name: "garbage", opts: { header: "v1=zz,t=x" }, ok: false },
    { name: "no v1", opts: { header: `t=${t}` }, ok: false },
    { name: "a second, matching v1 (rotation)", opts: { header: `t=${t},v1=${"0".repeat(64)},v1=${computeSignature(secret, t, body)}` }, ok: true },
  ];
  for (const c of cases) {
    it(`${c.ok ? "accepts" : "refuses"} ${c.name}`, () => {
      expect(verifyWebhookSignature({ secret, header, body, now: t, ...c.opts })).toBe(c.ok);
    });
  }
});
