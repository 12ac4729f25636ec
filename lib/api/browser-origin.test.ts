import { describe, expect, it } from "vitest";
import { browserOrigin } from "./browser-origin";

const req = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });

describe("browserOrigin", () => {
  it("takes the Host header over the request URL's host", () => {
    expect(browserOrigin(req("http://localhost:3000/x", { host: "127.0.0.1:3000" }))).toBe("http://127.0.0.1:3000");
  });

  it("takes the forwarded host and protocol when present", () => {
    expect(browserOrigin(req("http://localhost:3000/x", { host: "10.0.0.5:3000", "x-forwarded-host": "loupe.example.org", "x-forwarded-proto": "https" }))).toBe("https://loupe.example.org");
    expect(browserOrigin(req("http://localhost:3000/x", { host: "loupe.example.org", "x-forwarded-proto": "https:" }))).toBe("https://loupe.example.org");
  });

  it("falls back to the request URL's origin without a usable host", () => {
    expect(browserOrigin(req("http://localhost:3000/x"))).toBe("http://localhost:3000");
    expect(browserOrigin(req("http://localhost:3000/x", { host: "bad host/" }))).toBe("http://localhost:3000");
  });
});
