// Request bodies read with a byte limit that counts what actually arrives: Content-Length can be
// absent (chunked transfer) or lie, so the count is kept while the stream is read, and reading stops
// at the limit. Nothing past the limit is buffered.
import { MAX_BYTES_LABEL } from "../limits";
import { AppError } from "../errors";

export async function readBodyLimited(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge();
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(): AppError {
  return new AppError("payload_too_large", `The upload is over ${MAX_BYTES_LABEL}.`);
}

/** A multipart/form-data body, read within the limit first, then parsed. */
export async function readFormLimited(req: Request, maxBytes: number): Promise<FormData> {
  const body = await readBodyLimited(req, maxBytes);
  // A view, not a copy: Response copies a typed array's bytes itself (undici's extractBody).
  const view = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength);
  return new Response(view, { headers: { "content-type": req.headers.get("content-type") ?? "" } }).formData().catch(() => {
    throw new AppError("invalid_request", "The multipart body could not be parsed.");
  });
}

/** A JSON body of at most `maxBytes` (requests with JSON bodies are small). */
export async function readJsonLimited(req: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const body = await readBodyLimited(req, maxBytes);
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new AppError("invalid_request", "The body must be JSON.");
  }
}
