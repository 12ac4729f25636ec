"use server";

import { getDb } from "@/db";
import { runAction, type ActionResult } from "@/lib/actions";
import { PERMISSIONS } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { submitImage } from "@/lib/cases/submit-image";
import { AppError } from "@/lib/errors";
import { pokeInProcessWorker } from "@/lib/worker/in-process";
import { MAX_BYTES_LABEL, MAX_UPLOAD_BYTES } from "@/lib/limits";
import { uploadFields } from "./upload.validation";

export type UploadResult = ActionResult<{ caseId: string; deduplicated: boolean }>;

/** One file per call, so the page can show per-file progress and per-file errors. */
export async function uploadImageAction(form: FormData): Promise<UploadResult> {
  return runAction(async () => {
    const actor = await requireActor(PERMISSIONS.submit);
    const parsed = uploadFields.safeParse({ file: form.get("file") });
    if (!parsed.success) throw new AppError("invalid_request", parsed.error.issues[0]?.message, { param: "file" });
    const file = parsed.data.file;
    if (file.size > MAX_UPLOAD_BYTES) throw new AppError("image_too_large", `The file is over ${MAX_BYTES_LABEL}.`, { param: "file" });
    const result = await submitImage({
      ctx: { db: await getDb(), actor },
      input: { bytes: Buffer.from(await file.arrayBuffer()), filename: file.name, source: "upload" },
    });
    pokeInProcessWorker();
    return { caseId: result.case.id, deduplicated: result.deduplicated };
  });
}
