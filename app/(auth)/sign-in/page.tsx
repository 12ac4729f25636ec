import { redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/session";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

const NOTICES: Record<string, string> = {
  "password-changed": "Your password was changed and every session ended. Sign in with the new password.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ notice?: string }> }) {
  if (await currentActor()) redirect("/queue");
  const { notice } = await searchParams;
  const message = notice ? NOTICES[notice] : undefined;
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-xl font-semibold">Sign in to Loupe</h1>
      <p className="mb-6 text-sm text-slate-600">On first run the admin password is printed in the server console.</p>
      {message && (
        <p role="status" className="mb-4 rounded border border-emerald-300 bg-emerald-50 p-2 text-sm text-emerald-900">
          {message}
        </p>
      )}
      <SignInForm />
    </div>
  );
}
