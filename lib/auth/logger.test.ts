import { CredentialsSignin } from "@auth/core/errors";
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
});
