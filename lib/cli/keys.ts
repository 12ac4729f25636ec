// `loupe keys …`: provision API keys without a browser. `create` prints the new key, and only the
// key, on stdout (`KEY=$(npm run -s loupe -- keys create --email ci@example.org)`).
import { parseArgs } from "node:util";
import { API_KEY_SCOPES, ROLES, type ApiKeyScope, type Role } from "../../db/schema/enums";
import { createApiKey } from "../api-keys/create-api-key";
import { effectiveLimits, listAllApiKeys } from "../api-keys/queries";
import { revokeApiKey } from "../api-keys/revoke-api-key";
import { rotateApiKey } from "../api-keys/rotate-api-key";
import { updateApiKeyLimits } from "../api-keys/update-api-key-limits";
import { AppError } from "../errors";
import { createUserWithPassword, findUserByEmail, limitOption, runOperatorCommand, UsageError } from "./operator";

const USAGE = `  loupe keys create --email <user> [--role ${ROLES.join("|")}] [--scopes ${API_KEY_SCOPES.join(",")}] [--name <name>] [--test]
                    [--rate-limit <per minute>] [--monthly-images <n>]
      (--role creates the user when missing; its generated password goes to stderr)
  loupe keys list [--all] [--json]
  loupe keys revoke <key id>
  loupe keys rotate <key id> [--grace-hours <h>]
  loupe keys limits <key id> [--rate-limit <per minute>|default] [--monthly-images <n>|default]`;

const [sub, ...rest] = process.argv.slice(2);
const { values: o, positionals } = parseArgs({
  args: rest,
  allowPositionals: true,
  options: {
    email: { type: "string" },
    role: { type: "string" },
    scopes: { type: "string" },
    name: { type: "string" },
    test: { type: "boolean", default: false },
    "rate-limit": { type: "string" },
    "monthly-images": { type: "string" },
    "grace-hours": { type: "string" },
    all: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});

function scopesOption(v: string | undefined): ApiKeyScope[] | undefined {
  if (v === undefined) return undefined;
  const list = v.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (bad.length || list.length === 0) throw new UsageError(`--scopes: choose from ${API_KEY_SCOPES.join(", ")}`);
  return list as ApiKeyScope[];
}

function keyIdArg(): string {
  const id = positionals[0];
  if (!id) throw new UsageError(`keys ${sub}: which key? (an id from \`keys list\`)`);
  return id;
}

await runOperatorCommand(USAGE, async (ctx) => {
  switch (sub) {
    case "create": {
      if (!o.email) throw new UsageError("keys create: --email is required");
      if (o.role !== undefined && !(ROLES as readonly string[]).includes(o.role)) throw new UsageError(`--role: one of ${ROLES.join(", ")}`);
      const scopes = scopesOption(o.scopes);
      let user = await findUserByEmail(ctx.db, o.email);
      if (!user) {
        if (!o.role) throw new AppError("not_found", `No user ${o.email}; add --role to create one.`, { param: "email" });
        const made = await createUserWithPassword(ctx, { email: o.email, role: o.role as Role });
        user = made.user;
        console.error(`created user ${user.email} (${user.role}) with password: ${made.password}`);
      }
      const { key, secret } = await createApiKey({
        ctx,
        input: {
          name: o.name ?? "cli",
          userId: user.id,
          test: o.test,
          ...(scopes ? { scopes } : {}),
          ...(o["rate-limit"] !== undefined ? { rateLimitPerMinute: limitOption("rate-limit", o["rate-limit"]) } : {}),
          ...(o["monthly-images"] !== undefined ? { monthlyImageQuota: limitOption("monthly-images", o["monthly-images"]) } : {}),
        },
      });
      console.error(`created ${key.id} for ${user.email}: ${key.mode}, scopes ${key.scopes.join(",")}`);
      console.log(secret);
      return;
    }
    case "list": {
      const rows = await listAllApiKeys(ctx.db, { all: o.all });
      if (o.json) {
        console.log(JSON.stringify(rows.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, email: k.email, mode: k.mode, scopes: k.scopes, ...effectiveLimits(k), lineageId: k.lineageId ?? k.id, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, expiresAt: k.expiresAt, revokedAt: k.revokedAt })), null, 2));
        return;
      }
      for (const k of rows) {
        const l = effectiveLimits(k);
        const state = k.revokedAt ? "revoked" : k.expiresAt ? `expires ${k.expiresAt.toISOString()}` : "active";
        console.log([k.id, k.prefix + "…", k.email, k.name, k.mode, k.scopes.join(","), `${l.rateLimitPerMinute}/min`, `${l.monthlyImageQuota} images/month`, state].join("\t"));
      }
      return;
    }
    case "revoke":
      await revokeApiKey({ ctx, input: { keyId: keyIdArg() } });
      console.error(`revoked ${positionals[0]}`);
      return;
    case "rotate": {
      const graceHours = o["grace-hours"] === undefined ? undefined : Number(o["grace-hours"]);
      if (graceHours !== undefined && !Number.isFinite(graceHours)) throw new UsageError("--grace-hours: a number of hours");
      const { key, secret, oldExpiresAt } = await rotateApiKey({ ctx, input: { keyId: keyIdArg(), graceHours } });
      console.error(`rotated ${positionals[0]} → ${key.id}; the old key works until ${oldExpiresAt.toISOString()}`);
      console.log(secret);
      return;
    }
    case "limits": {
      const key = await updateApiKeyLimits({
        ctx,
        input: { keyId: keyIdArg(), rateLimitPerMinute: limitOption("rate-limit", o["rate-limit"]), monthlyImageQuota: limitOption("monthly-images", o["monthly-images"]) },
      });
      const l = effectiveLimits(key);
      console.log(`${key.id}\t${l.rateLimitPerMinute}/min\t${l.monthlyImageQuota} images/month`);
      return;
    }
    default:
      throw new UsageError(sub ? `unknown command: keys ${sub}` : "keys: which command?");
  }
});
