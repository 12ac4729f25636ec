// Process helpers for the ops specs: a process tree, whether a pid lives, whether a port listens, and
// which process holds the server end of a TCP connection (from /proc, Linux).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import net from "node:net";

export function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/** Every process in the tree under `pid` (ps --ppid, recursively). */
export function descendants(pid: number): number[] {
  let out: string;
  try {
    out = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" });
  } catch {
    return [];
  }
  const kids = out.split("\n").map((l) => Number(l.trim())).filter((n) => n > 0);
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which of `pids` holds the server's end of the IPv4 loopback connection from client port
 * `clientPort` to `serverPort`: the socket's inode from /proc/net/tcp, then the process whose file
 * descriptors include it. Null when none does.
 */
export function serverEndOwner(serverPort: number, clientPort: number, pids: number[]): number | null {
  const hex = (p: number) => p.toString(16).toUpperCase().padStart(4, "0");
  const line = readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[1]?.endsWith(`:${hex(serverPort)}`) && f[2]?.endsWith(`:${hex(clientPort)}`));
  const inode = line?.[9];
  if (!inode || inode === "0") return null;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return null;
}
