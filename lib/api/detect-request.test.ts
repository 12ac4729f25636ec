import { describe, expect, it } from "vitest";
import { appErrorOf } from "../testing/app-error";
import { readBatchRequest, readDetectRequest, readImageOnlyRequest } from "./detect-request";

const URL_ = "http://loupe.test/api/v1/detect";
const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

function multipart(parts: [string, Blob | string, string?][], query = ""): Request {
  const form = new FormData();
  for (const [name, value, filename] of parts) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, value, filename);
  }
  return new Request(URL_ + query, { method: "POST", body: form });
}
const json = (body: unknown, query = "") => new Request(URL_ + query, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });


describe("readDetectRequest", () => {
  it.each(["image", "file"])("reads a multipart `%s` part, options from fields over the query", async (part) => {
    const out = await readDetectRequest(multipart([[part, new Blob([bytes]), "a.jpg"], ["signals", "ela"], ["metadata", '{"a":1}']], "?signals=jpeg&retention=none"));
    expect(out.image).toMatchObject({ filename: "a.jpg", param: part });
    expect(Buffer.compare((out.image as { bytes: Buffer }).bytes, bytes)).toBe(0);
    expect(out.options).toEqual({ signals: "ela", retention: "none", metadata: '{"a":1}' });
  });

  it.each(["image/jpeg", "image/heic", "application/octet-stream"])("reads a raw %s body, options from the query", async (type) => {
    const out = await readDetectRequest(new Request(URL_ + "?include_heatmaps=inline", { method: "POST", body: bytes, headers: { "content-type": type } }));
    expect(out).toEqual({ image: { bytes, param: "body" }, options: { include_heatmaps: "inline" } });
  });

  it("reads JSON image_url and image_base64, the other fields being options", async () => {
    expect(await readDetectRequest(json({ image_url: "https://a.test/x.jpg", policy: "strict" }))).toEqual({ image: { url: "https://a.test/x.jpg", param: "image_url" }, options: { policy: "strict" } });
    expect(await readDetectRequest(json({ image_base64: "AAAA" }))).toEqual({ image: { base64: "AAAA", param: "image_base64" }, options: {} });
  });

  it.each([
    ["both image fields", () => json({ image_url: "https://a.test/x.jpg", image_base64: "AAAA" }), "invalid_request", "image_url"],
    ["neither image field", () => json({ policy: "x" }), "invalid_request", "image_url"],
    ["a non-string URL", () => json({ image_url: 5 }), "invalid_request", "image_url"],
    ["a JSON array", () => json([1]), "invalid_request", undefined],
    ["multipart without an image part", () => multipart([["note", "x"]]), "invalid_request", "image"],
    ["a text/plain body", () => new Request(URL_, { method: "POST", body: "hi", headers: { "content-type": "text/plain" } }), "image_unsupported_format", undefined],
  ])("refuses %s", async (_name, req, code, param) => {
    const err = await appErrorOf(readDetectRequest(req()));
    expect([err.code, err.param]).toEqual([code, param]);
  });
});

describe("readImageOnlyRequest", () => {
  it("takes an image and refuses any option, naming it", async () => {
    expect(await readImageOnlyRequest(json({ image_base64: "AAAA" }))).toEqual({ base64: "AAAA", param: "image_base64" });
    const err = await appErrorOf(readImageOnlyRequest(json({ image_base64: "AAAA", signals: "ela" })));
    expect([err.code, err.param]).toEqual(["invalid_request", "signals"]);
  });
});

describe("readBatchRequest", () => {
  it("keeps repeated multipart image and file parts in input order", async () => {
    const out = await readBatchRequest(multipart([["image", new Blob([Buffer.from("a")]), "a"], ["signals", "ela"], ["file", new Blob([Buffer.from("b")]), "b"], ["image", new Blob([Buffer.from("c")]), "c"]]));
    expect(out.items.map((i) => [(i.image as { bytes: Buffer }).bytes.toString(), (i.image as { param: string }).param])).toEqual([
      ["a", "items.0.image"],
      ["b", "items.1.file"],
      ["c", "items.2.image"],
    ]);
    expect(out.options).toEqual({ signals: "ela" });
  });

  it("turns a malformed JSON item into that item's error", async () => {
    const out = await readBatchRequest(json({ items: [{ image_url: "https://a.test/1.jpg", metadata: { n: 1 } }, { nothing: true }, 7], signals: "ml" }));
    expect(out.items[0]).toEqual({ image: { url: "https://a.test/1.jpg", param: "items.0.image_url" }, metadata: { n: 1 } });
    expect([out.items[1]!.error?.code, out.items[1]!.error?.param]).toEqual(["invalid_request", "items.1.image_url"]);
    expect([out.items[2]!.error?.code, out.items[2]!.error?.param]).toEqual(["invalid_request", "items.2"]);
    expect(out.options).toEqual({ signals: "ml" });
  });

  it("refuses a JSON batch without an items array", async () => {
    expect((await appErrorOf(readBatchRequest(json({ item: [] })))).param).toBe("items");
  });
});
