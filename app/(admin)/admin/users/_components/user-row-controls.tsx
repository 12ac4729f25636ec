"use client";

import { useState, useTransition } from "react";
import { ROLES, type Role } from "@/db/schema/enums";
import { updateUserAction } from "../actions";

export function UserRowControls({ userId, role, disabled }: { userId: string; role: string; disabled: boolean }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (input: { userId: string; role?: Role; disabled?: boolean }) =>
    start(async () => {
      const res = await updateUserAction(input);
      setError(res.ok ? null : res.error.message);
    });
  return (
    <div className="flex items-center gap-2">
      <select
        aria-label="Role"
        defaultValue={role}
        disabled={pending}
        onChange={(e) => run({ userId, role: ROLES.find((r) => r === e.target.value) })}
        className="rounded border border-slate-300 px-2 py-1"
      >
        <option value="editor">Editor</option>
        <option value="moderator">Moderator</option>
        <option value="admin">Admin</option>
      </select>
      <button disabled={pending} onClick={() => run({ userId, disabled: !disabled })} className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100">
        {disabled ? "Enable" : "Disable"}
      </button>
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
    </div>
  );
}
