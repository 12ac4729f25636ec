// `npm run db:migrate`: apply committed migrations to DATABASE_URL, or to the embedded PGlite database.
import { env } from "../lib/env";
import { openDb } from "./index";
import { DatabaseInUseError } from "./pglite-lock";

const handle = await openDb({ url: env.DATABASE_URL, directUrl: env.DATABASE_DIRECT_URL }).catch((err: unknown) => {
  // The web server holds the PGlite database (it migrates it itself at start-up).
  if (err instanceof DatabaseInUseError) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
  throw err;
});
console.log(`Migrations applied (${handle.kind}).`);
await handle.close();
