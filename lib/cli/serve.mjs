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
// Usage: node lib/cli/serve.mjs --hostname <host> --port <port> [--trust-proxy]
import http from "node:http";
import { parseArgs } from "node:util";
import next from "next";

const { values } = parseArgs({
  options: { hostname: { type: "string", default: "127.0.0.1" }, port: { type: "string", default: "3000" }, "trust-proxy": { type: "boolean", default: false } },
});
const hostname = values.hostname;
const port = Number(values.port);
const trustProxy = values["trust-proxy"];

const app = next({ dev: false, dir: process.cwd(), hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

const server = http.createServer((req, res) => {
  if (!trustProxy) {
    // No proxy in front: the client's own X-Forwarded-* claims are dropped (Next fills in host and
    // protocol from the connection) and the address is the socket's.
    for (const h of ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"]) delete req.headers[h];
    req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
  }
  handle(req, res).catch((err) => {
    console.error("[loupe] request failed:", err);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end("Internal Server Error");
  });
});
// Like `next start`: a keep-alive longer than common load balancers' idle timeouts.
server.keepAliveTimeout = 65_000;
server.listen(port, hostname);

// As `next start` does: stop accepting connections, let pending requests finish, close Next, exit
// with 128 + the signal's number. (The in-process worker has its own handler that hands back its leases.)
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
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
