import Link from "next/link";
import { SignOutButton } from "./sign-out-button";
import { currentActor } from "@/lib/auth/session";

export async function Nav() {
  const actor = await currentActor();
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-6 py-3 text-sm">
        <Link href="/queue" className="text-lg font-semibold tracking-tight">
          Loupe
        </Link>
        {actor && (
          <>
            <Link href="/queue" className="text-slate-600 hover:text-slate-900">Queue</Link>
            <Link href="/upload" className="text-slate-600 hover:text-slate-900">Upload</Link>
            <Link href="/settings/api-keys" className="text-slate-600 hover:text-slate-900">API keys</Link>
            {actor.role === "admin" && (
              <>
                <Link href="/admin/users" className="text-slate-600 hover:text-slate-900">Users</Link>
                <Link href="/admin/policies" className="text-slate-600 hover:text-slate-900">Policies</Link>
              </>
            )}
            <Link href="/settings/account" className="ml-auto text-slate-600 hover:text-slate-900" data-testid="whoami" title="Your account">
              {actor.email} · {actor.role}
            </Link>
            <SignOutButton />
          </>
        )}
      </nav>
    </header>
  );
}
