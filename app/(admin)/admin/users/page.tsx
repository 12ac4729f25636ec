import { getDb } from "@/db";
import { listUsers } from "@/lib/users/queries";
import { requirePageActor } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { utcMinute } from "@/lib/format-time";
import { CreateUserForm } from "./_components/create-user-form";
import { UserRowControls } from "./_components/user-row-controls";

export const dynamic = "force-dynamic";

/** Password, single sign-on (once bound, or expected when the account has no password), or both. */
function methodsLabel(u: { hasPassword: boolean; ssoBound: boolean }): string {
  const sso = u.ssoBound ? "SSO" : u.hasPassword ? null : "SSO (not yet used)";
  return [u.hasPassword ? "Password" : null, sso].filter(Boolean).join(" + ");
}

export default async function UsersPage() {
  await requirePageActor("manageUsers");
  const rows = await listUsers(await getDb());
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Users</h1>
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 font-semibold">Add a user</h2>
        <CreateUserForm sso={Boolean(env.LOUPE_OIDC_ISSUER)} ssoName={env.LOUPE_OIDC_NAME} />
      </section>
      {env.LOUPE_OIDC_ROLES && (
        <p className="text-sm text-slate-700" data-testid="sso-roles-note">
          Roles come from {env.LOUPE_OIDC_NAME}: at each sign-in through it, an account takes the role its groups give (
          <code>{env.LOUPE_OIDC_ROLES_CLAIM}</code> claim), whatever is set here.
        </p>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm">
        <caption className="sr-only">Users</caption>
        <thead className="bg-slate-50 text-left text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Email</th>
            <th scope="col" className="px-3 py-2 font-medium">Name</th>
            <th scope="col" className="px-3 py-2 font-medium">Role</th>
            <th scope="col" className="px-3 py-2 font-medium">Signs in with</th>
            <th scope="col" className="px-3 py-2 font-medium">Last sign-in</th>
            <th scope="col" className="px-3 py-2 font-medium">Since</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((u) => (
            <tr key={u.id} className={u.disabled ? "opacity-50" : ""} data-testid="user-row">
              <td className="px-3 py-2 font-mono">{u.email}</td>
              <td className="px-3 py-2">{u.name}</td>
              <td className="px-3 py-2">
                <UserRowControls userId={u.id} email={u.email} role={u.role} disabled={u.disabled} />
              </td>
              <td className="px-3 py-2 text-slate-700" data-testid="user-sign-in-methods">
                {methodsLabel(u)}
              </td>
              <td className="px-3 py-2 text-slate-600">{u.lastSignInAt ? <time dateTime={u.lastSignInAt.toISOString()}>{utcMinute(u.lastSignInAt)}</time> : "Never"}</td>
              <td className="px-3 py-2 text-slate-600">{u.createdAt.toLocaleDateString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </div>
  );
}
