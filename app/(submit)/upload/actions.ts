"use server";

import { authedAction, type ActionResult } from "@/lib/actions";
import { submitImage } from "@/lib/cases/submit-image";
import { AppError } from "@/lib/errors";
import { MAX_BYTES_LABEL, MAX_UPLOAD_BYTES } from "@/lib/limits";
import { uploadFields } from "./upload.validation";

export type UploadResult = ActionResult<{ caseId: string; deduplicated: boolean }>;

/** One file per call, so the page can show per-file progress and per-file errors. */
export const uploadImageAction = authedAction("submit", uploadFields, async ({ file }, ctx) => {
  // Refused before the bytes are read; the engine checks the bytes again.
  if (file.size > MAX_UPLOAD_BYTES) throw new AppError("image_too_large", `The file is over ${MAX_BYTES_LABEL}.`, { param: "file" });
  const result = await submitImage({ ctx, input: { bytes: Buffer.from(await file.arrayBuffer()), filename: file.name, source: "upload" } });
  return { caseId: result.case.id, deduplicated: result.deduplicated };
});
