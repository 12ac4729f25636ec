import { z } from "zod";

export const uploadFields = z.object({
  file: z.instanceof(File, { message: "Attach an image file." }),
});
