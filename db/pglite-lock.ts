// One process at a time on a PGlite directory. PGlite is PostgreSQL compiled into the process that
// opens it, with that process's own buffers and write-ahead log; it takes no lock on its directory (it
// writes a postmaster.pid, reads none, and removes it on close). Two processes on one directory each
// cache and write the same pages and log without the other knowing, which PostgreSQL's storage does
// not survive; a second `npm start`, or `loupe keys create` while the server ran, opened it without a
// word (the command, on exit, removed the server's postmaster.pid). So every opener (the web server, `npm run worker`, the operator CLI, a bench) first takes
// this lock, and a second gets DatabaseInUseError naming the holder instead of a database.
//
// The lock is a listening socket with a name derived from the directory's real path: binding a name
// that is bound already fails in the kernel (no check-then-act), and the name is released when its
// process exits however it exits (kill -9 included), so there is never a stale lock to clear by hand.
// On Linux the name lives in the abstract socket namespace (no file); on Windows it is a named pipe;
// elsewhere (macOS, the BSDs) it is a socket file in the temporary directory, which a crash leaves
// behind: a name that refuses connections is such a leftover, removed and bound again. The abstract
// namespace is per network namespace: containers that share the directory but not the network do not
// see each other's lock (run one of them, or use PostgreSQL).
//
// Whoever connects is told the holder's pid, command and start time, and the connection closed.
import { createHash } from "node:crypto";
import { realpathSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface LockHolder {
  pid: number;
  /** The holder's script and first argument (`serve.mjs`, `keys.ts create`). */
  command: string;
  since: string;
}

export class DatabaseInUseError extends Error {
  readonly code = "database_in_use";
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | null,
  ) {
    const who = !holder
      ? "another process"
      : holder.pid === process.pid
        ? "this process (it is already open here)"
        : `another process (pid ${holder.pid}: ${holder.command}, since ${holder.since})`;
    super(
      `The PGlite database in ${dir} is in use by ${who}. PGlite serves one process at a time: stop that ` +
        "process first (the web server, a worker or another command), or set DATABASE_URL to use PostgreSQL, " +
        "which serves any number.",
    );
    this.name = "DatabaseInUseError";
  }
}

export type LockKind = "abstract" | "pipe" | "file";

function defaultKind(): LockKind {
  return process.platform === "linux" ? "abstract" : process.platform === "win32" ? "pipe" : "file";
}

/** The socket name for a directory: a hash of its real path, so every spelling of it meets one lock. */
export function lockAddress(dir: string, kind: LockKind = defaultKind()): string {
  const id = createHash("sha256").update(realpathSync(dir)).digest("hex").slice(0, 32);
  if (kind === "abstract") return `\0loupe-pglite-${id}`;
  if (kind === "pipe") return `\\\\?\\pipe\\loupe-pglite-${id}`;
  return path.join(os.tmpdir(), `loupe-pglite-${id}.sock`);
}

function describeSelf(): LockHolder {
  const [script, first] = process.argv.slice(1);
  const command = [script ? path.basename(script) : "node", first && !first.startsWith("-") ? first : ""].join(" ").trim();
  return { pid: process.pid, command, since: new Date().toISOString() };
}

function listen(server: net.Server, address: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const onError = (err: NodeJS.ErrnoException) => resolve(err);
    server.once("error", onError);
    server.listen(address, () => {
      server.off("error", onError);
      resolve(null);
    });
  });
}

/** What the lock's holder says about itself; null when nothing answers (`refused`: nothing listens there). */
function askHolder(address: string): Promise<{ holder: LockHolder | null; refused: boolean }> {
  return new Promise((resolve) => {
    let text = "";
    const socket = net.connect(address);
    socket.setTimeout(2000, () => socket.destroy());
    socket.on("data", (d: Buffer) => (text += d.toString("utf8")));
    socket.on("error", (err: NodeJS.ErrnoException) => resolve({ holder: null, refused: err.code === "ECONNREFUSED" || err.code === "ENOENT" }));
    socket.on("close", () => {
      try {
        resolve({ holder: JSON.parse(text) as LockHolder, refused: false });
      } catch {
        resolve({ holder: null, refused: false });
      }
    });
  });
}

/**
 * Takes the lock on `dir` (an existing directory) for this process; resolves to its release. Throws
 * DatabaseInUseError when another process, or another open database in this one, holds it.
 */
export async function lockPgliteDir(dir: string, opts: { kind?: LockKind } = {}): Promise<() => Promise<void>> {
  const kind = opts.kind ?? defaultKind();
  const address = lockAddress(dir, kind);
  const self = JSON.stringify(describeSelf());
  for (let attempt = 0; ; attempt++) {
    const server = net.createServer((socket) => socket.end(self));
    const err = await listen(server, address);
    if (!err) {
      // The lock must not keep the process alive, nor its answers hold anything up.
      server.unref();
      return () => new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (err.code !== "EADDRINUSE") throw err;
    const { holder, refused } = await askHolder(address);
    // A socket file left by a process that crashed: nothing listens on it any more.
    if (kind === "file" && refused && attempt === 0) {
      rmSync(address, { force: true });
      continue;
    }
    throw new DatabaseInUseError(dir, holder);
  }
}
