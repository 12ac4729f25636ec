import { z } from "zod";

export const MAX_FILES_PER_BATCH = 100;
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export const uploadFields = z.object({
  file: z.instanceof(File, { message: "Attach an image file." }),
});
