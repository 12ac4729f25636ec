// `loupe users create --email <e> --role <r> [--password <p>]`: a user without a browser. A generated
// password is printed on stdout (once; only its hash is stored).
import { parseArgs } from "node:util";
import { ROLES, type Role } from "../../db/schema/enums";
import { createUserWithPassword, runOperatorCommand, UsageError } from "./operator";

const USAGE = `  loupe users create --email <email> --role ${ROLES.join("|")} [--password <password>] [--name <name>]
      (without --password one is generated and printed)`;

const [sub, ...rest] = process.argv.slice(2);
const { values: o } = parseArgs({
  args: rest,
  options: { email: { type: "string" }, role: { type: "string" }, password: { type: "string" }, name: { type: "string" } },
});

await runOperatorCommand(USAGE, async (ctx) => {
  if (sub !== "create") throw new UsageError(sub ? `unknown command: users ${sub}` : "users: which command?");
  if (!o.email) throw new UsageError("users create: --email is required");
  if (!o.role || !(ROLES as readonly string[]).includes(o.role)) throw new UsageError(`users create: --role, one of ${ROLES.join(", ")}`);
  const { user, password, generated } = await createUserWithPassword(ctx, { email: o.email, role: o.role as Role, password: o.password, name: o.name });
  console.error(`created ${user.id}: ${user.email} (${user.role})`);
  if (generated) console.log(password);
});
