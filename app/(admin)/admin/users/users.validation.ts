import { z } from "zod";
import { ROLES } from "@/db/schema/enums";

export const createUserForm = z.object({
  email: z.string(),
  name: z.string().default(""),
  password: z.string(),
  role: z.enum(ROLES, { message: "Choose a role." }),
});

export const updateUserInput = z.object({
  userId: z.string().startsWith("usr_"),
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
});

export const resetPasswordInput = z.object({ userId: z.string().startsWith("usr_") });
