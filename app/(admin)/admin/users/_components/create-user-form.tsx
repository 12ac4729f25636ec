"use client";

import { useActionState } from "react";
import { createUserAction } from "../actions";

/** `sso`: single sign-on is set up, so the password may stay empty (the account then signs in only through it). */
export function CreateUserForm({ sso, ssoName }: { sso: boolean; ssoName: string }) {
  const [state, action, pending] = useActionState(createUserAction, undefined);
  return (
    <form action={action} className="grid grid-cols-1 gap-3 md:grid-cols-5" data-testid="create-user-form">
      <input name="email" type="email" required aria-label="Email" placeholder="email@example.org" className="rounded border border-slate-500 px-2 py-1.5" />
      <input name="name" aria-label="Name" placeholder="Name" className="rounded border border-slate-500 px-2 py-1.5" />
      <input
        name="password"
        type="password"
        required={!sso}
        minLength={8}
        aria-label="Initial password"
        placeholder={sso ? "Password (empty: SSO only)" : "Initial password (8+)"}
        title={sso ? `Leave empty for someone who signs in with ${ssoName} only: their first sign-in there binds this account by its email.` : undefined}
        className="rounded border border-slate-500 px-2 py-1.5"
      />
      <select name="role" aria-label="Role" defaultValue="editor" className="rounded border border-slate-500 px-2 py-1.5">
        <option value="editor">Editor</option>
        <option value="moderator">Moderator</option>
        <option value="admin">Admin</option>
      </select>
      <button disabled={pending} className="rounded bg-slate-900 px-3 py-1.5 font-medium text-white disabled:opacity-50">
        {pending ? "Creating…" : "Create user"}
      </button>
      {state && (
        <p role={state.ok ? "status" : "alert"} className={`text-sm md:col-span-5 ${state.ok ? "text-emerald-700" : "text-red-700"}`}>
          {state.ok ? `Created ${state.data.email}.` : state.error.message}
        </p>
      )}
    </form>
  );
}
