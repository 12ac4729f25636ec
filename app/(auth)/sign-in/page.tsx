import { redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/session";
import { SSO_REFUSALS } from "@/lib/auth/sso";
import { env } from "@/lib/env";
import { ssoSignInAction } from "./actions";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

const NOTICES: Record<string, string> = {
  "password-changed": "Your password was changed and every session ended. Sign in with the new password.",
};

/** `?error=`: a refusal of lib/auth/sso.ts, or an Auth.js error type (pages.error is this page). */
function errorMessage(code: string): string {
  if (code in SSO_REFUSALS) return SSO_REFUSALS[code as keyof typeof SSO_REFUSALS];
  if (code === "AccessDenied") return "Access denied.";
  return `Single sign-on did not complete: the identity provider could not be reached, refused the request, or the sign-in was cancelled there. Try again; if it keeps failing, an admin finds the reason in the server's log.`;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ notice?: string; error?: string }> }) {
  if (await currentActor()) redirect("/queue");
  const { notice, error } = await searchParams;
  const message = notice ? NOTICES[notice] : undefined;
  const sso = Boolean(env.LOUPE_OIDC_ISSUER);
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-xl font-semibold">Sign in to Loupe</h1>
      {env.LOUPE_PASSWORD_SIGN_IN && <p className="mb-6 text-sm text-slate-600">On first run the admin password is printed in the server console.</p>}
      {message && (
        <p role="status" className="mb-4 rounded border border-emerald-300 bg-emerald-50 p-2 text-sm text-emerald-900">
          {message}
        </p>
      )}
      {error && (
        <p role="alert" className="mb-4 rounded border border-red-300 bg-red-50 p-2 text-sm text-red-900" data-testid="sign-in-error">
          {errorMessage(error)}
        </p>
      )}
      {sso && (
        <form action={ssoSignInAction} className={env.LOUPE_PASSWORD_SIGN_IN ? "" : "mt-6"}>
          {/* The main button when it is the only way in; beside the password form, the secondary one. */}
          <button
            className={`w-full rounded border border-slate-900 px-3 py-2 font-medium ${env.LOUPE_PASSWORD_SIGN_IN ? "bg-white text-slate-900 hover:bg-slate-50" : "bg-slate-900 text-white hover:bg-slate-800"}`}
          >
            Continue with {env.LOUPE_OIDC_NAME}
          </button>
        </form>
      )}
      {sso && env.LOUPE_PASSWORD_SIGN_IN && (
        <div className="my-5 flex items-center gap-3 text-xs text-slate-500" aria-hidden="true">
          <span className="h-px flex-1 bg-slate-200" />
          or with your password
          <span className="h-px flex-1 bg-slate-200" />
        </div>
      )}
      {env.LOUPE_PASSWORD_SIGN_IN && <SignInForm />}
    </div>
  );
}
