// `loupe users create --email <e> --role <r> [--password <p> | --sso]`: a user without a browser. A
// generated password is printed on stdout (once; only its hash is stored); with --sso the account has
// none and waits for its first single sign-on, which binds it by its email (lib/auth/sso.ts).
import { parseArgs } from "node:util";
import { ROLES, type Role } from "../../db/schema/enums";
import { createUser } from "../users/create-user";
import { createUserWithPassword, runOperatorCommand, UsageError } from "./operator";

const USAGE = `  loupe users create --email <email> --role ${ROLES.join("|")} [--password <password> | --sso] [--name <name>]
      (without --password one is generated and printed; --sso: no password, single sign-on only)`;

const [sub, ...rest] = process.argv.slice(2);
const { values: o } = parseArgs({
  args: rest,
  options: { email: { type: "string" }, role: { type: "string" }, password: { type: "string" }, name: { type: "string" }, sso: { type: "boolean", default: false } },
});

await runOperatorCommand(USAGE, async (ctx) => {
  if (sub !== "create") throw new UsageError(sub ? `unknown command: users ${sub}` : "users: which command?");
  if (!o.email) throw new UsageError("users create: --email is required");
  if (!o.role || !(ROLES as readonly string[]).includes(o.role)) throw new UsageError(`users create: --role, one of ${ROLES.join(", ")}`);
  if (o.sso && o.password !== undefined) throw new UsageError("users create: --sso makes an account without a password; leave out --password");
  if (o.sso) {
    const user = await createUser({ ctx, input: { email: o.email, role: o.role as Role, name: o.name ?? "" } });
    console.error(`created ${user.id}: ${user.email} (${user.role}), no password: it signs in through single sign-on`);
    return;
  }
  const { user, password, generated } = await createUserWithPassword(ctx, { email: o.email, role: o.role as Role, password: o.password, name: o.name });
  console.error(`created ${user.id}: ${user.email} (${user.role})`);
  if (generated) console.log(password);
});
