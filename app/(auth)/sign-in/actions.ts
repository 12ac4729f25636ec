"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth";
import { signInSchema } from "./sign-in.validation";

export async function signInAction(_prev: { error?: string } | undefined, form: FormData): Promise<{ error?: string }> {
  const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid input." };
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: "/queue" });
    return {};
  } catch (err) {
    if (err instanceof AuthError) return { error: "Wrong email or password, or the account is disabled." };
    throw err; // the redirect after a successful sign-in
  }
}
