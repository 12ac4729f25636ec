// scrypt in a thread of its own. node:crypto's async scrypt runs on libuv's shared thread pool (4
// threads), where Auth.js's WebCrypto session decryption also runs: a burst of sign-in guesses filled
// the pool and held every signed-in request behind it for seconds (measured with npm run bench:auth).
// One dedicated thread computes hashes one after another; the pool stays free for everything else.
import { Worker } from "node:worker_threads";

// Plain JavaScript evaluated in the thread (no module loader needed, inside Next's bundle or out).
const SOURCE = `
const { parentPort } = require("node:worker_threads");
const { scryptSync } = require("node:crypto");
parentPort.on("message", ({ id, password, salt, keyBytes, params }) => {
  try {
    const key = scryptSync(password, Buffer.from(salt, "base64"), keyBytes, params);
    parentPort.postMessage({ id, key: key.toString("base64") });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
  }
});
`;

interface Pending {
  resolve(key: Buffer): void;
  reject(err: Error): void;
}

const shared = globalThis as unknown as { __loupeHashThread?: { worker: Worker; pending: Map<number, Pending>; next: number } };

function thread() {
  if (shared.__loupeHashThread) return shared.__loupeHashThread;
  const worker = new Worker(SOURCE, { eval: true });
  const state = { worker, pending: new Map<number, Pending>(), next: 1 };
  worker.on("message", (m: { id: number; key?: string; error?: string }) => {
    const p = state.pending.get(m.id);
    if (!p) return;
    state.pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(Buffer.from(m.key!, "base64"));
  });
  const fail = (err: Error) => {
    for (const p of state.pending.values()) p.reject(err);
    state.pending.clear();
    if (shared.__loupeHashThread === state) shared.__loupeHashThread = undefined;
  };
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`password hashing thread exited (${code})`)));
  // An idle hashing thread never keeps the process alive.
  worker.unref();
  shared.__loupeHashThread = state;
  return state;
}

export function scryptInThread(password: string, salt: Buffer, keyBytes: number, params: { N: number; r: number; p: number; maxmem: number }): Promise<Buffer> {
  const t = thread();
  const id = t.next++;
  return new Promise<Buffer>((resolve, reject) => {
    t.pending.set(id, { resolve, reject });
    t.worker.ref(); // keep the process alive while a hash is owed
    t.worker.postMessage({ id, password, salt: salt.toString("base64"), keyBytes, params });
  }).finally(() => {
    if (t.pending.size === 0) t.worker.unref();
  });
}
