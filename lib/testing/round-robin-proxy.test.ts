// The multi-process harness's load balancer (e2e/multi/): requests alternate over the backends, bodies
// and statuses pass through both ways, and a dead backend is a 502 rather than a hang.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRoundRobinProxy, type RoundRobinProxy } from "./round-robin-proxy";

function backend(name: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(req.url === "/missing" ? 404 : 200, { "x-name": name });
      res.end(`${name} ${req.method} ${req.url} ${Buffer.concat(chunks).length}`);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("round-robin proxy", () => {
  let a: http.Server;
  let b: http.Server;
  let proxy: RoundRobinProxy;
  const url = (p: string) => `http://127.0.0.1:${proxy.port}${p}`;

  beforeAll(async () => {
    a = await backend("a");
    b = await backend("b");
    proxy = await startRoundRobinProxy([a, b].map((s) => ({ host: "127.0.0.1", port: (s.address() as AddressInfo).port })));
  });
  afterAll(async () => {
    await proxy?.close();
    a?.close();
    b?.close();
  });

  it("sends requests to each backend in turn, passing bodies and statuses through", async () => {
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await fetch(url(`/x?i=${i}`), { method: "POST", body: Buffer.alloc(1000 + i) });
      expect(r.headers.get("x-multi-backend")).toBe(String(i % 2));
      answers.push(await r.text());
    }
    expect(answers).toEqual(["a POST /x?i=0 1000", "b POST /x?i=1 1001", "a POST /x?i=2 1002", "b POST /x?i=3 1003"]);
    expect((await fetch(url("/missing"))).status).toBe(404);
    expect(await (await fetch(url("/__multi/backends"))).json()).toEqual({ counts: [3, 2] });
  });

  it("answers 502 for a backend that is down", async () => {
    const dead = await startRoundRobinProxy([{ host: "127.0.0.1", port: 1 }]);
    try {
      const r = await fetch(`http://127.0.0.1:${dead.port}/`);
      expect(r.status).toBe(502);
    } finally {
      await dead.close();
    }
  });
});
