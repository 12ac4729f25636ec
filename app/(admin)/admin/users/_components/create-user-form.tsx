"use client";

import { useActionState } from "react";
import { createUserAction } from "../actions";

export function CreateUserForm() {
  const [state, action, pending] = useActionState(createUserAction, undefined);
  return (
    <form action={action} className="grid grid-cols-1 gap-3 md:grid-cols-5" data-testid="create-user-form">
      <input name="email" type="email" required aria-label="Email" placeholder="email@example.org" className="rounded border border-slate-500 px-2 py-1.5" />
      <input name="name" aria-label="Name" placeholder="Name" className="rounded border border-slate-500 px-2 py-1.5" />
      <input name="password" type="password" required minLength={8} aria-label="Initial password" placeholder="Initial password (8+)" className="rounded border border-slate-500 px-2 py-1.5" />
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
