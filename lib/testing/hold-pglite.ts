// Child process for db/pglite-lock.test.ts: opens the PGlite directory given as its argument, says
// HELD, and keeps it open until it is killed.
import { openDb } from "../../db";

await openDb({ pgliteDir: process.argv[2]!, migrate: false });
process.stdout.write("HELD\n");
setInterval(() => {}, 60_000);
