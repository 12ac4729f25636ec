import { describe, expect, it } from "vitest";
import { describeError, redact } from "./log";

describe("log redaction", () => {
  it("removes query parameters, key hashes, keys, bcrypt hashes and credentials", () => {
    const hash = "a3f1".repeat(16);
    const line = `Failed query: select * from "api_keys" where "secret_hash" = $1\nparams: ${hash}`;
    expect(redact(line)).toBe('Failed query: select * from "api_keys" where "secret_hash" = $1\nparams: [redacted]');
    expect(redact(`key lp_live_AbC123-x_y failed for ${hash}`)).toBe("key lp_live_[redacted] failed for [redacted-hex]");
    expect(redact("hash $2b$10$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0 ok")).toBe("hash [redacted-bcrypt] ok");
    expect(redact('headers {"authorization": "Bearer abc", cookie=authjs.session-token=xyz; x-api-key: lp_test_q}')).not.toMatch(/abc|xyz|lp_test_q/);
    expect(redact("nothing secret here, case_123")).toBe("nothing secret here, case_123");
  });

  it("describes an error and its cause on redacted lines", () => {
    const err = new Error("Failed query: update x\nparams: 1,2", { cause: new Error(`duplicate ${"b".repeat(64)}`) });
    expect(describeError(err)).toBe("Error: Failed query: update x\nparams: [redacted]\ncause: duplicate [redacted-hex]");
  });
});
