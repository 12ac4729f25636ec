import { redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/session";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

export default async function SignInPage() {
  if (await currentActor()) redirect("/queue");
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-xl font-semibold">Sign in to Loupe</h1>
      <p className="mb-6 text-sm text-slate-500">On first run the admin password is printed in the server console.</p>
      <SignInForm />
    </div>
  );
}
