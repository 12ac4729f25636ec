import Link from "next/link";
import { SignOutButton } from "./sign-out-button";
import { currentActor } from "@/lib/auth/session";
import { getDb } from "@/db";
import { listDisabledEndpoints } from "@/lib/webhooks/queries";

export async function Nav() {
  const actor = await currentActor();
  // The admin notice: endpoints the webhook dispatcher switched off after repeated failures.
  const disabledWebhooks = actor?.role === "admin" ? (await listDisabledEndpoints(await getDb())).length : 0;
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav className="mx-auto flex max-w-7xl items-center gap-6 px-6 py-3 text-sm">
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
                <Link href="/admin/webhooks" className="text-slate-600 hover:text-slate-900">
                  Webhooks
                  {disabledWebhooks > 0 && (
                    <span className="ml-1 rounded bg-amber-100 px-1.5 text-xs text-amber-800" data-testid="webhook-notice-badge" title="Endpoints disabled after repeated failures">
                      {disabledWebhooks} disabled
                    </span>
                  )}
                </Link>
              </>
            )}
            <span className="ml-auto text-slate-500" data-testid="whoami">
              {actor.email} · {actor.role}
            </span>
            <SignOutButton />
          </>
        )}
      </nav>
    </header>
  );
}
