"use client";

import { useActionState } from "react";
import { signOutAction } from "@/app/(auth)/sign-out/actions";

export function SignOutButton() {
  const [state, action, pending] = useActionState(signOutAction, undefined);
  return (
    <form action={action}>
      <button disabled={pending} className="rounded border border-slate-500 px-2 py-1 text-slate-700 hover:bg-slate-100">
        Sign out
      </button>
      {state && !state.ok && (
        <span role="alert" className="ml-2 text-xs text-red-700">
          {state.error.message}
        </span>
      )}
    </form>
  );
}
