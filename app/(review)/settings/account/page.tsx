import { getDb } from "@/db";
import { requirePageActor } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { signInMethods } from "@/lib/users/queries";
import { ChangePasswordForm } from "./_components/change-password-form";

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const actor = await requirePageActor("ownSession");
  const me = await signInMethods(await getDb(), actor.id);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Your account</h1>
      <p className="text-slate-700">
        Signed in as <strong>{actor.email}</strong>, role {actor.role}.
      </p>
      {me?.ssoBound && (
        <p className="text-slate-700" data-testid="account-sso">
          Your account is linked to {env.LOUPE_OIDC_NAME}: sign in with <em>Continue with {env.LOUPE_OIDC_NAME}</em>.
        </p>
      )}
      {me?.hasPassword ? (
        <section className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="password-heading">
          <h2 id="password-heading" className="mb-1 text-lg font-semibold">Change password</h2>
          <p className="mb-4 text-sm text-slate-700">Changing it signs you out everywhere, this browser included; sign in again with the new password.</p>
          <ChangePasswordForm />
        </section>
      ) : (
        <p className="text-sm text-slate-700">Your account has no password: it signs in through single sign-on only. An admin can give it one (Users, Reset password).</p>
      )}
    </div>
  );
}
