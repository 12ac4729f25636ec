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
    const throttled = err instanceof AuthError ? /^throttled-(\d+)$/.exec((err as { code?: string }).code ?? "") : null;
    if (throttled) {
      const minutes = Math.ceil(Number(throttled[1]) / 60);
      return { error: `Too many failed sign-ins. Try again in ${Number(throttled[1]) < 60 ? `${throttled[1]} seconds` : `${minutes} minute${minutes === 1 ? "" : "s"}`}.` };
    }
    if (err instanceof AuthError) return { error: "Wrong email or password, or the account is disabled." };
    throw err; // the redirect after a successful sign-in
  }
}

/** Single sign-on: off to the identity provider (Auth.js answers with the redirect, thrown). */
export async function ssoSignInAction(): Promise<void> {
  await signIn("oidc", { redirectTo: "/queue" });
}
