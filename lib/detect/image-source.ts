// Where an image to detect comes from: bytes already read from the request, a URL (fetched safely,
// lib/api/fetch-image.ts) or base64 (bare or a data URL). The bytes are held in memory only.
import { z } from "zod";
import { fetchImage, type FetchImageOptions } from "../api/fetch-image";
import { AppError } from "../errors";
import { MAX_BYTES_LABEL, MAX_UPLOAD_BYTES } from "../limits";

export const imageSource = z.union([
  z.object({ bytes: z.instanceof(Buffer), filename: z.string().default(""), param: z.string().default("image") }),
  z.object({ url: z.string().min(1).max(8192), param: z.string().default("image_url") }),
  z.object({ base64: z.string(), param: z.string().default("image_base64") }),
]);
export type ImageSource = z.input<typeof imageSource>;

const DATA_URL = /^data:([^;,]*)(;[^,]*)?,/;

function decodeBase64(data: string, param: string): Buffer {
  let s = data;
  const m = DATA_URL.exec(s);
  if (m) {
    if (!(m[2] ?? "").includes(";base64")) throw new AppError("invalid_request", "Only base64 data URLs are accepted.", { param });
    s = s.slice(m[0].length);
  }
  s = s.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) throw new AppError("invalid_request", "Not valid base64.", { param });
  if (Math.floor((s.length * 3) / 4) > MAX_UPLOAD_BYTES + 2) throw new AppError("image_too_large", `The image is over ${MAX_BYTES_LABEL}.`, { param });
  return Buffer.from(s, s.includes("-") || s.includes("_") ? "base64url" : "base64");
}

/** The image's bytes and the request field they came from (named in errors about the image). */
export async function loadImageSource(input: ImageSource, fetchOpts: FetchImageOptions = {}): Promise<{ bytes: Buffer; filename: string; param: string }> {
  const src = imageSource.parse(input);
  if ("bytes" in src) return { bytes: src.bytes, filename: src.filename, param: src.param };
  if ("url" in src) {
    const fetched = await fetchImage(src.url, { ...fetchOpts, param: src.param });
    const last = new URL(fetched.url).pathname.split("/").pop() ?? "";
    let name = last;
    try {
      name = decodeURIComponent(last);
    } catch {
      // A malformed escape: keep the name as written.
    }
    name = name.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 255);
    return { bytes: fetched.bytes, filename: name, param: src.param };
  }
  return { bytes: decodeBase64(src.base64, src.param), filename: "", param: src.param };
}
