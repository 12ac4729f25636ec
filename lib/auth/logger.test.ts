import { CallbackRouteError, CredentialsSignin } from "@auth/core/errors";
import { describe, expect, it } from "vitest";
import { makeAuthLogger } from "./logger";

describe("auth logger", () => {
  it("logs a refused sign-in as one line without a stack, and other errors as one line", () => {
    const lines: string[] = [];
    const log = makeAuthLogger({ warn: (l) => lines.push(`warn ${l}`), error: (l) => lines.push(`error ${l}`) });
    log.error(new CredentialsSignin());
    log.error(Object.assign(new Error("callback failed\n    at x (y.js:1:1)"), { type: "CallbackRouteError" }));
    expect(lines).toEqual(["warn [auth] sign-in refused: wrong email or password, or a disabled account", "error [auth] CallbackRouteError: callback failed"]);
    expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  });

  it("names the error Auth.js wrapped (an identity provider that cannot be reached, a refused code)", () => {
    const lines: string[] = [];
    const log = makeAuthLogger({ warn: (l) => lines.push(l), error: (l) => lines.push(l) });
    // As Auth.js throws it (lib/actions/callback): the error it caught as the "message".
    log.error(new CallbackRouteError(new TypeError("fetch failed\nmore") as unknown as string));
    expect(lines).toEqual([expect.stringMatching(/^\[auth\] CallbackRouteError: .* \(TypeError: fetch failed\)$/)]);
  });
});
