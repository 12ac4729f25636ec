"use server";

import { authedAction, type ActionResult } from "@/lib/actions";
import { detectResultDto } from "@/lib/api/dto";
import { submitImage } from "@/lib/cases/submit-image";
import { detectImage } from "@/lib/detect/detect-image";
import { newId } from "@/lib/ids";
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

/**
 * Quick check: the engine's verdict on one image now, in its detection thread, with the forensic maps
 * inline. No case is created; the result is cached, so "send to review" files a case with it.
 */
export const quickCheckAction = authedAction("submit", uploadFields, async ({ file }, ctx) => {
  if (file.size > MAX_UPLOAD_BYTES) throw new AppError("image_too_large", `The file is over ${MAX_BYTES_LABEL}.`, { param: "file" });
  const requestId = newId("request");
  const bytes = Buffer.from(await file.arrayBuffer());
  const outcome = await detectImage({ ctx: { ...ctx, requestId }, input: { image: { bytes, filename: file.name, param: "file" }, options: { include_heatmaps: "inline" } } });
  return detectResultDto(outcome, requestId);
});

/** Files the checked image as a case, recorded with the same (cached) result: the worker does not scan it again. */
export const sendToReviewAction = authedAction("submit", uploadFields, async ({ file }, ctx) => {
  if (file.size > MAX_UPLOAD_BYTES) throw new AppError("image_too_large", `The file is over ${MAX_BYTES_LABEL}.`, { param: "file" });
  const requestId = newId("request");
  const bytes = Buffer.from(await file.arrayBuffer());
  const outcome = await detectImage({ ctx: { ...ctx, requestId }, input: { image: { bytes, filename: file.name, param: "file" }, source: "upload", options: { create_case: true, filename: file.name } } });
  if (!outcome.created) throw new AppError("internal_error");
  return { caseId: outcome.created.case.id };
});
