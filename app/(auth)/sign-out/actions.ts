"use server";

import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { signOut } from "@/lib/auth";
import { endSessions } from "@/lib/users/end-sessions";

/** Sign out: every session of this user ends (other browsers too), then back to the sign-in page. */
export const signOutAction = authedAction("ownSession", z.unknown(), async (_input, ctx) => {
  await endSessions({ ctx, input: { userId: ctx.actor.id, reason: "sign_out" } });
  await signOut({ redirectTo: "/sign-in" });
});
