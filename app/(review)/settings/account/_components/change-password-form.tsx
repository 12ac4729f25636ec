"use client";

import { useActionState } from "react";
import { changePasswordAction } from "../actions";

const field = "w-full rounded border border-slate-400 px-2 py-1.5";

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, undefined);
  const error = state && !state.ok ? state.error : undefined;
  return (
    <form action={action} className="max-w-sm space-y-3" data-testid="change-password-form">
      <label className="block text-sm">
        <span className="mb-1 block font-medium">Current password</span>
        <input name="currentPassword" type="password" autoComplete="current-password" required className={field} aria-invalid={error?.param === "currentPassword"} />
      </label>
      <label className="block text-sm">
        <span className="mb-1 block font-medium">New password (8 characters or more)</span>
        <input name="newPassword" type="password" autoComplete="new-password" required minLength={8} className={field} aria-invalid={error?.param === "newPassword"} />
      </label>
      <label className="block text-sm">
        <span className="mb-1 block font-medium">New password again</span>
        <input name="confirmPassword" type="password" autoComplete="new-password" required minLength={8} className={field} aria-invalid={error?.param === "confirmPassword"} />
      </label>
      <button disabled={pending} className="rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
        {pending ? "Changing…" : "Change password"}
      </button>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error.message}
        </p>
      )}
    </form>
  );
}
