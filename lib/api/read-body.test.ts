// Bodies are counted as they stream: a chunked 300 MB upload with no Content-Length is stopped at the
// limit, without buffering what follows and without the process growing by anything like its size.
import { describe, expect, it } from "vitest";
import { readBodyLimited, readFormLimited, readJsonLimited } from "./read-body";

const MB = 1024 * 1024;

/** A body of `total` bytes produced on demand in 1 MB chunks; `pulled()` says how much was read. */
function streamedRequest(total: number, headers: Record<string, string> = {}) {
  let pulled = 0;
  const chunk = new Uint8Array(MB).fill(0x41);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const req = new Request("http://loupe.test/api/v1/cases", { method: "POST", body, headers, duplex: "half" } as RequestInit);
  return { req, pulled: () => pulled };
}

describe("readBodyLimited", () => {
  it("stops a chunked 300 MB body at the limit with payload_too_large, reading little past it", async () => {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const { req, pulled } = streamedRequest(300 * MB);
    await expect(readBodyLimited(req, 20 * MB)).rejects.toMatchObject({ code: "payload_too_large", status: 413 });
    expect(pulled()).toBeLessThanOrEqual(22 * MB);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MB);
  });

  it("refuses a declared Content-Length over the limit before reading anything", async () => {
    const { req, pulled } = streamedRequest(30 * MB, { "content-length": String(30 * MB) });
    await expect(readBodyLimited(req, 20 * MB)).rejects.toMatchObject({ code: "payload_too_large" });
    expect(pulled()).toBeLessThanOrEqual(1 * MB); // at most what the stream queued up front
  });

  it("returns bodies within the limit whole, and parses forms and JSON from them", async () => {
    const { req } = streamedRequest(3 * MB);
    expect((await readBodyLimited(req, 20 * MB)).length).toBe(3 * MB);
    const form = new FormData();
    form.set("file", new File([new Uint8Array(1000)], "a.jpg"));
    form.set("external_ref", "x");
    const parsed = await readFormLimited(new Request("http://loupe.test/", { method: "POST", body: form }), 20 * MB);
    expect([(parsed.get("file") as File).size, parsed.get("external_ref")]).toEqual([1000, "x"]);
    expect(await readJsonLimited(new Request("http://loupe.test/", { method: "POST", body: '{"a":1}' }))).toEqual({ a: 1 });
    await expect(readJsonLimited(new Request("http://loupe.test/", { method: "POST", body: "{" }))).rejects.toMatchObject({ code: "invalid_request" });
  });
});
