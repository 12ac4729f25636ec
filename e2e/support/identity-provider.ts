// The e2e servers' single sign-on: a test identity provider (lib/testing/oidc-provider.ts) run by the
// process that starts the app (e2e/serve.ts, e2e/multi/cluster.ts), and the settings that point Loupe
// at it. Groups map to roles as E2E_SSO_GROUPS says (e2e/ui/sso.spec.ts signs in through it).
import { startTestOidcProvider } from "../../lib/testing/oidc-provider";

export const E2E_SSO_NAME = "Test IdP";
export const E2E_SSO_GROUPS = { admin: "loupe-admins", moderator: "loupe-moderators", editor: "loupe-editors" } as const;

export async function startE2eIdentityProvider(): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const idp = await startTestOidcProvider();
  return {
    env: {
      LOUPE_OIDC_ISSUER: idp.issuer,
      LOUPE_OIDC_CLIENT_ID: idp.clientId,
      LOUPE_OIDC_CLIENT_SECRET: idp.clientSecret,
      LOUPE_OIDC_NAME: E2E_SSO_NAME,
      LOUPE_OIDC_ROLES_CLAIM: "groups",
      LOUPE_OIDC_ROLES: Object.entries(E2E_SSO_GROUPS).map(([role, group]) => `${group}=${role}`).join(","),
    },
    close: idp.close,
  };
}
