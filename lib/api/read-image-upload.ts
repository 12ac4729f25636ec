// One image arriving at an upload route: a multipart part (`image` or `file`), or the raw bytes as the
// body with the other fields in the query string. Both are read within MAX_REQUEST_BYTES as they stream.
import { AppError } from "../errors";
import { MAX_REQUEST_BYTES } from "../limits";
import { readBodyLimited, readFormLimited } from "./read-body";

export interface ImageUpload {
  bytes: Buffer;
  /** The part's file name, or the `filename` query parameter of a raw body ("" when neither). */
  filename: string;
  /** The other text fields: multipart fields, or the query parameters of a raw body. */
  fields: Record<string, unknown>;
}

/** `parts`: the multipart part names accepted, in order of preference (the first is named in errors). */
export async function readImageUpload(req: Request, parts: readonly [string, ...string[]]): Promise<ImageUpload> {
  const type = req.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    const form = await readFormLimited(req, MAX_REQUEST_BYTES);
    const file = parts.map((p) => form.get(p)).find((v) => v !== null);
    if (!(file instanceof File)) {
      const [first, ...others] = parts.map((p) => `\`${p}\``);
      throw new AppError("invalid_request", `Send the image in the ${first}${others.length ? ` (or ${others.join(", ")})` : ""} part.`, { param: parts[0] });
    }
    const fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string"));
    return { bytes: Buffer.from(await file.arrayBuffer()), filename: file.name, fields };
  }
  const bytes = await readBodyLimited(req, MAX_REQUEST_BYTES);
  const fields: Record<string, unknown> = Object.fromEntries(new URL(req.url).searchParams);
  return { bytes, filename: typeof fields.filename === "string" ? fields.filename : "", fields };
}
