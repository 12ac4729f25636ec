// `npm run bench:auth`: API latency while 8 clients guess passwords. Starts the built app on a spare
// port with a throw-away PGlite database, measures GET /api/v1/cases (signed in) when idle and then
// while 8 clients post wrong passwords for unknown accounts (each costs a full password hash, as a real
// guess would), and prints p50/p99 of both and their ratio. Password hashing runs on the thread pool,
// so the API should stay within 2× its idle p99.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pct } from "./bench-support";

const PORT = Number(process.env.BENCH_PORT ?? 3298);
const BASE = `http://127.0.0.1:${PORT}`;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const GUESSERS = 8;
const ADMIN = { email: "bench@loupe.local", password: "bench-admin-password" };


class Jar {
  cookies = new Map<string, string>();
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

async function signIn(email: string, password: string, jar = new Jar()): Promise<{ ok: boolean; jar: Jar }> {
  const csrf = await fetch(`${BASE}/api/auth/csrf`, { headers: { cookie: jar.header() } });
  jar.take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${BASE}/queue` }),
  });
  jar.take(res);
  return { ok: [...jar.cookies.keys()].some((k) => k.includes("session-token")), jar };
}

async function measure(jar: Jar, seconds: number): Promise<number[]> {
  const out: number[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const t0 = performance.now();
    const res = await fetch(`${BASE}/api/v1/cases?limit=1`, { headers: { cookie: jar.header() } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /api/v1/cases answered ${res.status}`);
    out.push(performance.now() - t0);
  }
  return out;
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "loupe-bench-auth-"));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(PORT), DATA_DIR: dataDir, LOUPE_ADMIN_EMAIL: ADMIN.email, LOUPE_ADMIN_PASSWORD: ADMIN.password, LOUPE_INPROCESS_WORKER: "false" };
  delete env.DATABASE_URL;
  const server = spawn(process.execPath, ["--import", "tsx/esm", "lib/cli/start.ts"], { env, stdio: ["ignore", "ignore", "inherit"] });
  try {
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error("the app did not start");
      const up = await fetch(`${BASE}/api/v1/health`).then((r) => r.ok, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const { ok, jar } = await signIn(ADMIN.email, ADMIN.password);
    if (!ok) throw new Error("could not sign in");
    await measure(jar, 2); // warm-up
    const idle = await measure(jar, SECONDS);
    let stop = false;
    let guesses = 0;
    const guessers = Array.from({ length: GUESSERS }, async (_, g) => {
      for (let n = 0; !stop; n++) {
        await signIn(`nobody-${g}-${n}@bench.test`, "wrong-password");
        guesses++;
      }
    });
    const loaded = await measure(jar, SECONDS);
    stop = true;
    await Promise.all(guessers);
    const f = (x: number) => x.toFixed(1).padStart(7);
    console.log(`GET /api/v1/cases?limit=1, ${SECONDS} s each, ${os.availableParallelism()} cores`);
    console.log(`                     n     p50 ms   p99 ms`);
    console.log(`idle            ${String(idle.length).padStart(6)} ${f(pct(idle, 0.5))}  ${f(pct(idle, 0.99))}`);
    console.log(`${GUESSERS} guessers      ${String(loaded.length).padStart(6)} ${f(pct(loaded, 0.5))}  ${f(pct(loaded, 0.99))}   (${guesses} wrong sign-ins, ${(guesses / SECONDS).toFixed(1)}/s)`);
    console.log(`p99 under guessing / idle p99: ${(pct(loaded, 0.99) / pct(idle, 0.99)).toFixed(2)}× (target ≤ 2×)`);
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
