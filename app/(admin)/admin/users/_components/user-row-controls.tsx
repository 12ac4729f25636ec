"use client";

import { useState, useTransition } from "react";
import { ROLES, type Role } from "@/db/schema/enums";
import { CopyButton } from "@/components/copy-button";
import { resetPasswordAction, updateUserAction } from "../actions";

const ROLE_LABELS: Record<Role, string> = { editor: "Editor", moderator: "Moderator", admin: "Admin" };

/** What an admin is about to do to a user, shown for confirmation first: each of these signs the user out. */
type Pending = { kind: "role"; role: Role } | { kind: "disable" } | { kind: "reset" };

function describe(p: Pending, email: string): string {
  if (p.kind === "role") return `Make ${email} ${ROLE_LABELS[p.role].toLowerCase()}? They are signed out and sign in again under the new role.`;
  if (p.kind === "disable") return `Disable ${email}? They are signed out at once and cannot sign in or use their API keys.`;
  return `Reset the password of ${email}? A new password is generated and shown once; they are signed out everywhere.`;
}

export function UserRowControls({ userId, email, role, disabled }: { userId: string; email: string; role: Role; disabled: boolean }) {
  const [busy, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [roleChoice, setRoleChoice] = useState<Role>(role);
  const [newPassword, setNewPassword] = useState<string | null>(null);

  const confirm = () =>
    start(async () => {
      if (!pending) return;
      setError(null);
      if (pending.kind === "reset") {
        const res = await resetPasswordAction({ userId });
        if (res.ok) setNewPassword(res.data.password);
        else setError(res.error.message);
      } else {
        const res = await updateUserAction(pending.kind === "role" ? { userId, role: pending.role } : { userId, disabled: true });
        if (!res.ok) {
          setError(res.error.message);
          if (pending.kind === "role") setRoleChoice(role);
        }
      }
      setPending(null);
    });
  const cancel = () => {
    if (pending?.kind === "role") setRoleChoice(role);
    setPending(null);
  };
  const enable = () =>
    start(async () => {
      const res = await updateUserAction({ userId, disabled: false });
      setError(res.ok ? null : res.error.message);
    });

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <select
          aria-label={`Role of ${email}`}
          value={roleChoice}
          disabled={busy || pending !== null}
          onChange={(e) => {
            const next = ROLES.find((r) => r === e.target.value);
            if (!next || next === role) return;
            setRoleChoice(next);
            setPending({ kind: "role", role: next });
          }}
          className="rounded border border-slate-400 px-2 py-1"
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>{ROLE_LABELS[r]}</option>
          ))}
        </select>
        {disabled ? (
          <button type="button" disabled={busy} onClick={enable} className="rounded border border-slate-400 px-2 py-1 text-xs hover:bg-slate-100">
            Enable
          </button>
        ) : (
          <button type="button" disabled={busy || pending !== null} onClick={() => setPending({ kind: "disable" })} className="rounded border border-slate-400 px-2 py-1 text-xs hover:bg-slate-100">
            Disable
          </button>
        )}
        <button type="button" disabled={busy || pending !== null} onClick={() => { setNewPassword(null); setPending({ kind: "reset" }); }} className="rounded border border-slate-400 px-2 py-1 text-xs hover:bg-slate-100">
          Reset password
        </button>
      </div>
      {pending && (
        <div role="alertdialog" aria-label="Confirm" className="flex flex-wrap items-center gap-2 rounded border border-amber-400 bg-amber-50 p-2 text-xs text-amber-950">
          <span>{describe(pending, email)}</span>
          <button type="button" autoFocus disabled={busy} onClick={confirm} className="rounded bg-slate-900 px-2 py-1 font-medium text-white disabled:opacity-50">
            Confirm
          </button>
          <button type="button" disabled={busy} onClick={cancel} className="rounded border border-slate-400 px-2 py-1">
            Cancel
          </button>
        </div>
      )}
      {newPassword && (
        <p role="status" className="flex flex-wrap items-center gap-2 text-xs">
          New password for {email} (shown once): <code data-testid="new-password" className="rounded bg-slate-100 px-1 py-0.5">{newPassword}</code>
          <CopyButton text={newPassword} label="Copy password" />
        </p>
      )}
      {error && <p role="alert" className="text-xs text-red-700">{error}</p>}
    </div>
  );
}
