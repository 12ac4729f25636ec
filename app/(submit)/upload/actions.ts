"use server";

import { authedAction } from "@/lib/actions";
import { detectResultDto } from "@/lib/api/dto";
import { detectImage } from "@/lib/detect/detect-image";
import { newId } from "@/lib/ids";
import { AppError } from "@/lib/errors";
import { MAX_BYTES_LABEL, MAX_UPLOAD_BYTES } from "@/lib/limits";
import { uploadFields } from "./upload.validation";

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
