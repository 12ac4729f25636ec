import Link from "next/link";
import { NavMenu } from "./nav-menu";
import { SignOutButton } from "./sign-out-button";
import { currentActor } from "@/lib/auth/session";
import { getDb } from "@/db";
import { listDisabledEndpoints } from "@/lib/webhooks/queries";
import { lastFailedBackupRun } from "@/lib/backup/scheduled";
import { env } from "@/lib/env";

const link = "text-slate-700 hover:text-slate-950 hover:underline";

export async function Nav() {
  const actor = await currentActor();
  // The admin notice: endpoints the webhook dispatcher switched off after repeated failures.
  const disabledWebhooks = actor?.role === "admin" ? (await listDisabledEndpoints(await getDb())).length : 0;
  // And the last scheduled backup, when it failed (or never finished).
  const failedBackup = actor?.role === "admin" && env.LOUPE_BACKUP_DIR ? await lastFailedBackupRun(await getDb()) : null;
  return (
    <header className="border-b border-slate-200 bg-white print:hidden">
      <a href="#main" className="sr-only rounded bg-slate-900 px-3 py-2 text-white focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50">
        Skip to content
      </a>
      <nav aria-label="Main" className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 text-sm md:px-6">
        <Link href="/queue" className="text-lg font-semibold tracking-tight">
          Loupe
        </Link>
        {actor && (
          <NavMenu>
            <Link href="/queue" className={link}>Queue</Link>
            <Link href="/upload" className={link}>Upload</Link>
            <Link href="/submissions" className={link}>My submissions</Link>
            <Link href="/settings/api-keys" className={link}>API keys</Link>
            <Link href="/docs/api" className={link}>API docs</Link>
            {actor.role === "admin" && (
              <>
                <Link href="/admin/dashboard" className={link}>Dashboard</Link>
                <Link href="/admin/users" className={link}>Users</Link>
                <Link href="/admin/policies" className={link}>Policies</Link>
                <Link href="/admin/lists" className={link}>Lists</Link>
                <Link href="/admin/audit" className={link}>Audit log</Link>
                <Link href="/admin/api-keys" className={link}>All keys</Link>
                <Link href="/admin/webhooks" className={link}>
                  Webhooks
                  {disabledWebhooks > 0 && (
                    <span className="ml-1 rounded bg-amber-100 px-1.5 text-xs text-amber-900" data-testid="webhook-notice-badge" title="Endpoints disabled after repeated failures">
                      {disabledWebhooks} disabled
                    </span>
                  )}
                </Link>
                <Link href="/admin/backup" className={link}>
                  Backup
                  {failedBackup && (
                    // One character wide: the admin row has no room for a word at 1400 px.
                    <span className="ml-1 rounded bg-amber-100 px-1 text-xs font-semibold text-amber-900" data-testid="backup-notice-badge" title={`The last backup ${failedBackup.status}: ${failedBackup.error ?? ""}`}>
                      !<span className="sr-only"> (the last backup {failedBackup.status})</span>
                    </span>
                  )}
                </Link>
              </>
            )}
            <Link href="/settings/account" className={`md:ml-auto ${link}`} data-testid="whoami" title="Your account">
              {actor.email} · {actor.role}
            </Link>
            <SignOutButton />
          </NavMenu>
        )}
      </nav>
    </header>
  );
}
