// The request shapes of the detection endpoints, read into an image source and options:
// - multipart/form-data with an `image` (or `file`) part, options as form fields or query parameters;
// - the raw bytes as the body (any image/* type or application/octet-stream), options as query parameters;
// - JSON `{ "image_url": … }` or `{ "image_base64": … }` (bare or a data URL), options as JSON fields.
// Batches: repeated `image`/`file` parts, or JSON `{ "items": [{ image_url | image_base64, metadata? }, …] }`.
import type { BatchItem } from "../detect/detect-batch";
import type { ImageSource } from "../detect/image-source";
import { AppError } from "../errors";
import { MAX_BATCH_REQUEST_BYTES, MAX_JSON_IMAGE_REQUEST_BYTES, MAX_REQUEST_BYTES } from "../limits";
import { readBodyLimited, readFormLimited, readJsonLimited } from "./read-body";

export interface DetectRequest {
  image: ImageSource;
  options: Record<string, unknown>;
}

const IMAGE_PARTS = new Set(["image", "file"]);

function kind(req: Request): "multipart" | "json" | "raw" {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) return "multipart";
  if (type.startsWith("application/json")) return "json";
  if (type === "" || type.startsWith("image/") || type.startsWith("application/octet-stream")) return "raw";
  throw new AppError("image_unsupported_format", "Send the image as multipart/form-data, as JSON (image_url or image_base64), or as raw bytes with an image/* or application/octet-stream Content-Type.");
}

function queryOptions(req: Request): Record<string, unknown> {
  return Object.fromEntries(new URL(req.url).searchParams);
}

function formFields(form: FormData): Record<string, unknown> {
  return Object.fromEntries([...form.entries()].filter(([k, v]) => typeof v === "string" && !IMAGE_PARTS.has(k)));
}

/** A JSON item's image: exactly one of image_url and image_base64. */
function jsonImage(o: Record<string, unknown>, prefix = ""): ImageSource {
  const url = o.image_url;
  const b64 = o.image_base64;
  if ((url === undefined) === (b64 === undefined)) {
    throw new AppError("invalid_request", "Send exactly one of image_url and image_base64.", { param: `${prefix}image_url` });
  }
  if (url !== undefined) {
    if (typeof url !== "string") throw new AppError("invalid_request", "image_url must be a string.", { param: `${prefix}image_url` });
    return { url, param: `${prefix}image_url` };
  }
  if (typeof b64 !== "string") throw new AppError("invalid_request", "image_base64 must be a string.", { param: `${prefix}image_base64` });
  return { base64: b64, param: `${prefix}image_base64` };
}

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new AppError("invalid_request", "The JSON body must be an object.");
  return v as Record<string, unknown>;
}

/** One image and its options, from any of the accepted request shapes. */
export async function readDetectRequest(req: Request): Promise<DetectRequest> {
  const k = kind(req);
  if (k === "multipart") {
    const form = await readFormLimited(req, MAX_REQUEST_BYTES);
    const file = form.get("image") ?? form.get("file");
    if (!(file instanceof File)) throw new AppError("invalid_request", "Send the image in an `image` (or `file`) part.", { param: "image" });
    return {
      image: { bytes: Buffer.from(await file.arrayBuffer()), filename: file.name, param: form.get("image") ? "image" : "file" },
      options: { ...queryOptions(req), ...formFields(form) },
    };
  }
  if (k === "json") {
    const { image_url, image_base64, ...options } = asObject(await readJsonLimited(req, MAX_JSON_IMAGE_REQUEST_BYTES));
    return { image: jsonImage({ image_url, image_base64 }), options: { ...queryOptions(req), ...options } };
  }
  return { image: { bytes: await readBodyLimited(req, MAX_REQUEST_BYTES), param: "body" }, options: queryOptions(req) };
}

/** One image and no options (POST /forensics, /c2pa/verify): any option is refused, naming it. */
export async function readImageOnlyRequest(req: Request): Promise<ImageSource> {
  const { image, options } = await readDetectRequest(req);
  const extra = Object.keys(options)[0];
  if (extra) throw new AppError("invalid_request", `${extra}: this endpoint takes no options`, { param: extra });
  return image;
}

/** A batch's items (in input order) and the options for all of them. */
export async function readBatchRequest(req: Request): Promise<{ items: BatchItem[]; options: Record<string, unknown> }> {
  const k = kind(req);
  if (k === "multipart") {
    const form = await readFormLimited(req, MAX_BATCH_REQUEST_BYTES);
    const items: BatchItem[] = [];
    for (const [name, value] of form.entries()) {
      if (!IMAGE_PARTS.has(name) || !(value instanceof File)) continue;
      items.push({ image: { bytes: Buffer.from(await value.arrayBuffer()), filename: value.name, param: `items.${items.length}.${name}` } });
    }
    return { items, options: { ...queryOptions(req), ...formFields(form) } };
  }
  if (k === "json") {
    const { items, ...options } = asObject(await readJsonLimited(req, MAX_BATCH_REQUEST_BYTES));
    if (!Array.isArray(items)) throw new AppError("invalid_request", "Send the images as an `items` array.", { param: "items" });
    return {
      // A malformed item is that item's error, not the batch's.
      items: items.map((raw, i): BatchItem => {
        try {
          const o = asObject(raw);
          return { image: jsonImage(o, `items.${i}.`), ...(o.metadata !== undefined ? { metadata: o.metadata } : {}) };
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          return { error: new AppError(err.code, err.message, { param: err.param ?? `items.${i}` }) };
        }
      }),
      options: { ...queryOptions(req), ...options },
    };
  }
  throw new AppError("invalid_request", "Send a batch as multipart/form-data (repeated `image` parts) or as JSON (`items`).");
}
