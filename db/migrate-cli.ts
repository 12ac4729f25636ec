// `npm run db:migrate`: apply committed migrations to DATABASE_URL, or to the embedded PGlite database.
import { env } from "../lib/env";
import { openDb } from "./index";

const handle = await openDb({ url: env.DATABASE_URL, directUrl: env.DATABASE_DIRECT_URL });
console.log(`Migrations applied (${handle.kind}).`);
await handle.close();
