// lib/env.ts's start-up validation of settings that go together: BLOB_STORE=s3 without what it needs,
// or single sign-on half set up, stops the process with every bad name, instead of failing on the first
// upload or sign-in.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ENV_NAMES, parseEnv } from "./env";

/** parseEnv refuses `source` with an "Invalid environment" error containing each of `messages`. */
function expectRefused(source: Record<string, string | undefined>, messages: string[]) {
  let error = "";
  try {
    parseEnv(source);
  } catch (err) {
    error = (err as Error).message;
  }
  expect(error).toMatch(/^Invalid environment:/);
  for (const m of messages) expect(error).toContain(m);
}

const S3 = { BLOB_STORE: "s3", S3_BUCKET: "loupe", S3_REGION: "us-east-1", S3_ACCESS_KEY_ID: "id", S3_SECRET_ACCESS_KEY: "secret" };

describe("blob store settings", () => {
  it("defaults to the local store, needing no S3 settings", () => {
    expect(parseEnv({}).BLOB_STORE).toBe("local");
  });

  it("takes a complete S3 configuration", () => {
    const e = parseEnv({ ...S3, S3_ENDPOINT: "http://minio:9000", S3_FORCE_PATH_STYLE: "true", S3_PREFIX: "loupe/" });
    expect(e).toMatchObject({ BLOB_STORE: "s3", S3_ENDPOINT: "http://minio:9000", S3_FORCE_PATH_STYLE: true, S3_PREFIX: "loupe/" });
    expect(parseEnv(S3).S3_FORCE_PATH_STYLE).toBe(false);
  });

  it("takes no keys at all (the AWS default credential chain)", () => {
    expect(() => parseEnv({ BLOB_STORE: "s3", S3_BUCKET: "loupe", S3_REGION: "eu-west-1" })).not.toThrow();
  });

  it.each([
    [{ S3_BUCKET: undefined }, ["S3_BUCKET: required when BLOB_STORE=s3"]],
    [{ S3_REGION: undefined }, ["S3_REGION: required when BLOB_STORE=s3"]],
    [{ S3_BUCKET: undefined, S3_REGION: undefined }, ["S3_BUCKET: required", "S3_REGION: required"]],
    [{ S3_SECRET_ACCESS_KEY: undefined }, ["S3_SECRET_ACCESS_KEY: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together"]],
    [{ S3_ACCESS_KEY_ID: undefined }, ["S3_ACCESS_KEY_ID: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together"]],
    [{ S3_ENDPOINT: "minio:9000" }, ["S3_ENDPOINT"]],
    [{ S3_FORCE_PATH_STYLE: "sure" }, ["S3_FORCE_PATH_STYLE"]],
    [{ S3_PREFIX: "loupe" }, ["S3_PREFIX"]],
    [{ S3_PREFIX: "../" }, ["S3_PREFIX"]],
    [{ BLOB_STORE: "gcs" }, ["BLOB_STORE"]],
  ])("refuses %o, naming %o", (change, messages) => expectRefused({ ...S3, ...change }, messages));
});

const OIDC = { LOUPE_OIDC_ISSUER: "https://idp.example.org/realms/staff", LOUPE_OIDC_CLIENT_ID: "loupe", LOUPE_OIDC_CLIENT_SECRET: "s3cret" };

describe("single sign-on settings", () => {
  it("is off by default, password sign-in on", () => {
    expect(parseEnv({})).toMatchObject({ LOUPE_PASSWORD_SIGN_IN: true, LOUPE_OIDC_NAME: "single sign-on", LOUPE_OIDC_SCOPES: "openid email profile" });
    expect(parseEnv({}).LOUPE_OIDC_ISSUER).toBeUndefined();
  });

  it("reads the role map, domains and the new-user role", () => {
    const e = parseEnv({ ...OIDC, LOUPE_OIDC_ROLES_CLAIM: "groups", LOUPE_OIDC_ROLES: "loupe-admins=admin, loupe-mods = moderator,", LOUPE_OIDC_EMAIL_DOMAINS: "Example.org, @example.com", LOUPE_PASSWORD_SIGN_IN: "false" });
    expect(e.LOUPE_OIDC_ROLES).toEqual([["loupe-admins", "admin"], ["loupe-mods", "moderator"]]);
    expect(e.LOUPE_OIDC_EMAIL_DOMAINS).toEqual(["example.org", "example.com"]);
    expect(e.LOUPE_PASSWORD_SIGN_IN).toBe(false);
    expect(parseEnv({ ...OIDC, LOUPE_OIDC_NEW_USER_ROLE: "editor" }).LOUPE_OIDC_NEW_USER_ROLE).toBe("editor");
  });

  it.each([
    [{ LOUPE_OIDC_CLIENT_SECRET: undefined }, ["LOUPE_OIDC_CLIENT_SECRET: single sign-on needs"]],
    [{ LOUPE_OIDC_ISSUER: undefined }, ["LOUPE_OIDC_ISSUER: single sign-on needs"]],
    [{ LOUPE_OIDC_ISSUER: "idp.example.org" }, ["LOUPE_OIDC_ISSUER"]],
    [{ LOUPE_OIDC_ROLES_CLAIM: "groups" }, ["LOUPE_OIDC_ROLES: LOUPE_OIDC_ROLES_CLAIM and LOUPE_OIDC_ROLES go together"]],
    [{ LOUPE_OIDC_ROLES: "a=admin" }, ["LOUPE_OIDC_ROLES_CLAIM: LOUPE_OIDC_ROLES_CLAIM and LOUPE_OIDC_ROLES go together"]],
    [{ LOUPE_OIDC_ROLES_CLAIM: "groups", LOUPE_OIDC_ROLES: "a=owner" }, ["LOUPE_OIDC_ROLES"]],
    [{ LOUPE_OIDC_ROLES_CLAIM: "groups", LOUPE_OIDC_ROLES: "admin" }, ["LOUPE_OIDC_ROLES"]],
    [{ LOUPE_OIDC_ROLES_CLAIM: "groups", LOUPE_OIDC_ROLES: "a=admin", LOUPE_OIDC_NEW_USER_ROLE: "editor" }, ["LOUPE_OIDC_NEW_USER_ROLE: with LOUPE_OIDC_ROLES"]],
    [{ LOUPE_OIDC_NEW_USER_ROLE: "owner" }, ["LOUPE_OIDC_NEW_USER_ROLE"]],
    [{ LOUPE_OIDC_EMAIL_DOMAINS: "not a domain" }, ["LOUPE_OIDC_EMAIL_DOMAINS"]],
    [{ LOUPE_OIDC_ISSUER: undefined, LOUPE_OIDC_CLIENT_ID: undefined, LOUPE_OIDC_CLIENT_SECRET: undefined, LOUPE_PASSWORD_SIGN_IN: "false" }, ["LOUPE_PASSWORD_SIGN_IN: without password sign-in nobody could sign in"]],
  ])("refuses %o, naming %o", (change, messages) => expectRefused({ ...OIDC, ...change }, messages));
});

// deploy/compose.yaml runs Loupe from the environment it sets: every name it gives the Loupe services
// must be one lib/env.ts reads (a misspelt S3_BUKET would otherwise be ignored silently), and the
// values it gives, filled in from deploy/.env.example, must pass validation.
describe("deploy/compose.yaml", () => {
  const LOUPE_SERVICES = ["web", "worker"];
  const compose = parseYaml(readFileSync("deploy/compose.yaml", "utf8"), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string | number | boolean> }>;
  };
  const example = Object.fromEntries(
    readFileSync("deploy/.env.example", "utf8")
      .split("\n")
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  // The secrets the example leaves blank, as an operator would fill them in.
  const filled: Record<string, string> = { ...example, POSTGRES_PASSWORD: "pg-secret", AUTH_SECRET: "a".repeat(32), MINIO_ROOT_PASSWORD: "minio-secret", LOUPE_ADMIN_PASSWORD: "admin-secret" };

  /** Compose's interpolation: ${X}, ${X:-default}, ${X:?error} (an unset required one is an error). */
  function interpolate(value: string, vars: Record<string, string>): string {
    return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
      const v = vars[name];
      if (v !== undefined && v !== "") return v;
      if (op === "-") return arg ?? "";
      throw new Error(`compose needs ${name}: ${arg ?? "unset"}`);
    });
  }

  /** Names in a service environment that lib/env.ts does not read. */
  function unknownNames(environment: Record<string, unknown>): string[] {
    return Object.keys(environment).filter((n) => !ENV_NAMES.includes(n));
  }

  it.each(LOUPE_SERVICES)("%s sets only variables lib/env.ts reads", (service) => {
    const environment = compose.services[service]!.environment!;
    expect(Object.keys(environment)).toContain("BLOB_STORE");
    expect(unknownNames(environment)).toEqual([]);
    // The check catches a misspelt name.
    expect(unknownNames({ ...environment, S3_BUKET: "loupe" })).toEqual(["S3_BUKET"]);
  });

  it.each(LOUPE_SERVICES)("%s's environment, filled in from .env.example, is valid and selects PostgreSQL and S3", (service) => {
    const environment = Object.fromEntries(Object.entries(compose.services[service]!.environment!).map(([k, v]) => [k, interpolate(String(v), filled)]));
    const e = parseEnv(environment);
    expect(e).toMatchObject({ BLOB_STORE: "s3", S3_ENDPOINT: "http://minio:9000", S3_FORCE_PATH_STYLE: true, S3_BUCKET: "loupe" });
    expect(e.DATABASE_URL).toBe("postgres://loupe:pg-secret@postgres:5432/loupe");
  });

  it("every variable compose requires is in .env.example", () => {
    const required = [...readFileSync("deploy/compose.yaml", "utf8").matchAll(/\$\{([A-Z_][A-Z0-9_]*):\?/g)].map((m) => m[1]!);
    expect(required.length).toBeGreaterThan(0);
    expect([...new Set(required)].filter((n) => !(n in example))).toEqual([]);
    // Left blank, a required secret stops compose.
    expect(() => interpolate("${AUTH_SECRET:?set AUTH_SECRET}", example)).toThrow(/AUTH_SECRET/);
  });
});
