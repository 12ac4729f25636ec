// An HTTP proxy that sends each request to the next of several backends in turn: the stand-in for a
// load balancer in front of several web servers (e2e/multi/). Per request, not per connection, so a
// browser's keep-alive connection still spreads its requests over every backend. Each response says
// which backend answered (x-multi-backend), and GET /__multi/backends returns the counts.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RoundRobinProxy {
  port: number;
  /** Requests answered per backend, in the order given. */
  counts: number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backends: { host: string; port: number }[], port = 0, host = "127.0.0.1"): Promise<RoundRobinProxy> {
  if (backends.length === 0) throw new Error("no backends");
  const counts = backends.map(() => 0);
  let next = 0;
  const server = http.createServer((req, res) => {
    if (req.url === "/__multi/backends") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ counts }));
      return;
    }
    const index = next;
    next = (next + 1) % backends.length;
    const target = backends[index]!;
    const upstream = http.request(
      { host: target.host, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, "x-forwarded-for": req.socket.remoteAddress ?? "", "x-forwarded-proto": "http" } },
      (up) => {
        counts[index]!++;
        res.writeHead(up.statusCode ?? 502, { ...up.headers, "x-multi-backend": String(index) });
        up.pipe(res);
      },
    );
    upstream.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain", "x-multi-backend": String(index) });
      res.end(`backend ${index} failed: ${err.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
