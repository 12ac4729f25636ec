#!/usr/bin/env node
// `npx loupe <command> …`: the command-line entry point. Plain JavaScript so it starts without a
// build; each command runs its TypeScript CLI in a child Node with tsx's ESM hooks, and prints only
// what that CLI prints (no npm banner), so `npx loupe detect x.jpg --json | jq` works.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const COMMANDS = {
  detect: { script: "../detection/cli/detect.ts", help: "detect <files or folders> [--json] [--heatmaps out/]" },
  eval: { script: "../detection/cli/eval.ts", help: "eval --data <folder | labels.csv> [--split dev] [--perturb jpeg75,resize0.5] [--json]" },
  bench: { script: "../detection/cli/bench.ts", help: "bench [--runs 30] [--no-heatmaps] [--sharp-threads 1]" },
  keys: { script: "./keys.ts", help: "keys create|list|revoke|rotate|limits … (API keys; `npx loupe keys` for details)" },
  lists: { script: "./lists.ts", help: "lists [create|import] … (image lists; `npx loupe lists help` for details)" },
  retention: { script: "./retention.ts", help: "retention [run | set <policy> <days | never>] (images past their policy's retention)" },
  users: { script: "./users.ts", help: "users create --email <email> --role <role> [--password <password>]" },
  backup: { script: "./backup.ts", help: "backup [--out <file.tar.gz | file.tar | ->] [--no-blobs]", passCommand: true },
  restore: { script: "./backup.ts", help: "restore <file | -> [--replace] [--no-blobs]", passCommand: true },
};

const [command, ...args] = process.argv.slice(2);
const entry = COMMANDS[command ?? ""];
if (!entry) {
  const lines = Object.values(COMMANDS).map((c) => `  npx loupe ${c.help}`);
  console.error(`usage:\n${lines.join("\n")}`);
  process.exit(command === undefined || command === "help" || command === "--help" ? 0 : 2);
}

// The same flags as the npm scripts: a 64 MB initial heap keeps V8's full collections rare (see
// lib/detection/thread/pool.ts).
const child = spawn(
  process.execPath,
  ["--initial-heap-size=64", "--import", import.meta.resolve("tsx/esm"), fileURLToPath(new URL(entry.script, import.meta.url)), ...(entry.passCommand ? [command] : []), ...args],
  { stdio: "inherit" },
);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
