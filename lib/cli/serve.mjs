// The production HTTP server `npm start` runs (lib/cli/start.ts spawns it): Next's request handler
// behind Node's own http server, so that the client's address comes from the socket.
//
// `next start` keeps an `x-forwarded-for` header sent by the client and only fills it in when absent,
// so any client could name its own address and dodge the per-address sign-in throttle. Here the header
// is replaced by the socket's peer address, unless `--trust-proxy` says a reverse proxy in front sets it
// (then the right-most entry, the one that proxy appended, is the client: lib/auth/index.ts). Likewise
// X-Forwarded-Host/Proto/Port are dropped without a trusted proxy, so no client can make Loupe believe
// it is served over https (Secure cookies, HSTS) or under another host name.
//
// LOUPE_WEB_PROCESSES=N (N > 1, PostgreSQL only) runs N such servers as a node:cluster on the one
// port: this process forks them, hands each incoming connection to one of them (round-robin), passes
// them the stop signals and replaces one that dies after it started serving. They share nothing in
// memory: sessions, rate limits, leases and the live stream's events already go through the database.
// Each runs its own in-process scan worker (LOUPE_WORKER_CONCURRENCY detection threads apiece) unless
// LOUPE_INPROCESS_WORKER=false. PGlite's database belongs to one process, so without DATABASE_URL it
// refuses to start.
//
// Usage: node lib/cli/serve.mjs --hostname <host> --port <port> [--trust-proxy]
import cluster from "node:cluster";
import http from "node:http";
import { parseArgs } from "node:util";
import next from "next";

const { values } = parseArgs({
  options: { hostname: { type: "string", default: "127.0.0.1" }, port: { type: "string", default: "3000" }, "trust-proxy": { type: "boolean", default: false } },
});
const hostname = values.hostname;
const port = Number(values.port);
const trustProxy = values["trust-proxy"];
/** The address as a URL, for messages. */
const shownUrl = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

const rawProcesses = process.env.LOUPE_WEB_PROCESSES ?? "1";
const webProcesses = Number(rawProcesses);
if (!/^\d+$/.test(rawProcesses.trim()) || webProcesses < 1 || webProcesses > 64) {
  console.error(`[loupe] LOUPE_WEB_PROCESSES must be a whole number from 1 to 64 (got "${rawProcesses}").`);
  process.exit(1);
}
if (webProcesses > 1 && cluster.isPrimary) {
  if (!process.env.DATABASE_URL) {
    console.error("[loupe] LOUPE_WEB_PROCESSES > 1 needs PostgreSQL (DATABASE_URL): PGlite's database belongs to one process.");
    process.exit(1);
  }
  await runPrimary(webProcesses);
} else {
  await serve();
}

/** The cluster's primary: forks `n` servers, keeps them running, stops them on a signal. */
async function runPrimary(n) {
  /** Set once stopping: the code this process exits with when the last server has gone. */
  let exitCode = null;
  const started = new Set();
  /** Resolves when the first server has started (taken the port and prepared the app). */
  let firstReady;
  const first = new Promise((resolve) => (firstReady = resolve));
  const fork = () => {
    const worker = cluster.fork();
    worker.on("message", (m) => {
      if (m?.loupe !== "ready") return;
      started.add(worker.id);
      firstReady();
    });
  };
  cluster.on("exit", (worker, code, signal) => {
    if (exitCode !== null) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!started.has(worker.id)) {
      // Died before it served: a configuration or database problem that a new one would only repeat.
      console.error(`[loupe] a web process exited before it started (${signal ?? `code ${code}`}); stopping.`);
      stop("SIGTERM", 1);
      return;
    }
    started.delete(worker.id);
    console.error(`[loupe] web process ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another.`);
    fork();
  });
  function stop(sig, code = EXIT_CODES[sig]) {
    if (exitCode !== null) return;
    exitCode = code;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(code);
    for (const w of workers) w.process.kill(sig);
  }
  for (const sig of Object.keys(EXIT_CODES)) process.on(sig, () => stop(sig));
  // One first, so that it alone migrates the database and creates the first admin; then the others.
  fork();
  await first;
  for (let i = 1; i < n; i++) fork();
  console.log(`[loupe] serving on ${shownUrl} (${n} web processes)`);
}

/** Why the port could not be had, in an operator's words. */
function listenFailure(err) {
  const what = `[loupe] Cannot listen on ${shownUrl}`;
  if (err.code === "EADDRINUSE") return `${what}: the port is in use by another program. Stop that program, or set PORT to a free port.`;
  if (err.code === "EACCES") return `${what}: permission denied (ports below 1024 need privileges). Set PORT to 1024 or above, or put a reverse proxy in front.`;
  if (err.code === "EADDRNOTAVAIL") return `${what}: this machine has no address ${hostname}. Set HOST to one of its addresses, or 0.0.0.0 for all of them.`;
  return `${what}: ${err.message}`;
}

/**
 * One HTTP server with Next's handler (the only process, or one of the cluster's). It takes its port
 * first and only then starts the app (which migrates the database, creates the first admin and starts
 * the in-process worker): a port it cannot have stops it with the reason before it has done anything.
 * Requests that arrive while the app starts wait for it.
 */
async function serve() {
  const app = next({ dev: false, dir: process.cwd(), hostname, port });
  let handle;
  let ready;
  const prepared = new Promise((resolve) => (ready = resolve));

  const server = http.createServer((req, res) => {
    if (!trustProxy) {
      // No proxy in front: the client's own X-Forwarded-* claims are dropped (Next fills in host and
      // protocol from the connection) and the address is the socket's.
      for (const h of ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"]) delete req.headers[h];
      req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
    }
    const respond = () =>
      handle(req, res).catch((err) => {
        console.error("[loupe] request failed:", err);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("Internal Server Error");
      });
    if (handle) respond();
    else void prepared.then(respond);
  });
  // Like `next start`: a keep-alive longer than common load balancers' idle timeouts.
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve) => {
    server.once("error", (err) => {
      console.error(listenFailure(err));
      process.exit(1);
    });
    server.listen(port, hostname, resolve);
  });
  await app.prepare();
  handle = app.getRequestHandler();
  ready();
  // The cluster's primary says it for all of them (runPrimary); it counts this one as started now.
  if (cluster.isWorker) process.send?.({ loupe: "ready" });
  else console.log(`[loupe] serving on ${shownUrl}`);

  // As `next start` does: stop accepting connections, let pending requests finish, close Next, exit
  // with 128 + the signal's number. (The in-process worker has its own handler that hands back its leases.)
  let stopping = false;
  for (const sig of Object.keys(EXIT_CODES)) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      server.close(() => {
        void app.close().catch(console.error).finally(() => process.exit(EXIT_CODES[sig]));
      });
    });
  }
}
