// The backup archive's container: a POSIX ustar file (what `tar tf` and `tar xf` read), written and
// read as a stream so that neither a backup nor a restore holds more than one member in memory.
// Only regular files, and only what Loupe writes: names of at most 255 characters (split into ustar's
// prefix and name fields), sizes below 8 GiB (11 octal digits).
import { createHash } from "node:crypto";
import type { Readable, Writable } from "node:stream";

const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);
const MAX_SIZE = 8 ** 11 - 1;

/** A member as written: its name, its byte count and the sha256 of its bytes (hex). */
export interface TarEntry {
  name: string;
  size: number;
  sha256: string;
}

/** A member as read, its bytes in memory. */
export interface TarMember {
  name: string;
  data: Buffer;
}

export class TarFormatError extends Error {}

/** ustar's 100-byte name field, with the directory part in the 155-byte prefix field when longer. */
function splitName(name: string): { name: string; prefix: string } {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: "" };
  for (let i = name.lastIndexOf("/"); i > 0; i = name.lastIndexOf("/", i - 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { name: rest, prefix };
  }
  throw new TarFormatError(`name too long for a tar member: ${name}`);
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function header(name: string, size: number, mtime: number): Buffer {
  if (!Number.isInteger(size) || size < 0 || size > MAX_SIZE) throw new TarFormatError(`size out of range for ${name}: ${size}`);
  const split = splitName(name);
  const h = Buffer.alloc(BLOCK);
  h.write(split.name, 0, 100, "utf8");
  h.write(octal(0o644, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(size, 12), 124, "ascii");
  h.write(octal(Math.floor(mtime / 1000), 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write("0", 156, "ascii");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  h.write(split.prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return h;
}

/** Writes members one after another into `out`, waiting whenever `out` asks it to (backpressure). */
export class TarWriter {
  readonly entries: TarEntry[] = [];

  constructor(
    private readonly out: Writable,
    private readonly mtime = Date.now(),
  ) {}

  private async write(chunk: Buffer): Promise<void> {
    if (this.out.destroyed) throw new TarFormatError("the archive's reader went away");
    if (!this.out.write(chunk)) await drained(this.out);
  }

  async addBuffer(name: string, data: Buffer): Promise<TarEntry> {
    await this.write(header(name, data.length, this.mtime));
    await this.write(data);
    await this.pad(data.length);
    return this.record(name, data.length, createHash("sha256").update(data).digest("hex"));
  }

  /** A member whose size is known before its bytes arrive (a stored blob); a stream that ends early or late is an error. */
  async addStream(name: string, size: number, stream: Readable): Promise<TarEntry> {
    await this.write(header(name, size, this.mtime));
    const hash = createHash("sha256");
    let seen = 0;
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      seen += b.length;
      if (seen > size) throw new TarFormatError(`${name}: more than the ${size} bytes announced`);
      hash.update(b);
      await this.write(b);
    }
    if (seen !== size) throw new TarFormatError(`${name}: ${seen} bytes where ${size} were announced`);
    await this.pad(size);
    return this.record(name, size, hash.digest("hex"));
  }

  /** The end-of-archive marker; the caller ends `out`. */
  async finish(): Promise<void> {
    await this.write(ZEROS);
  }

  private async pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    if (rest) await this.write(ZEROS.subarray(0, BLOCK - rest));
  }

  private record(name: string, size: number, sha256: string): TarEntry {
    const entry = { name, size, sha256 };
    this.entries.push(entry);
    return entry;
  }
}

/**
 * Resolves when `out` asks for more; rejects when it is closed or fails first (a download whose client
 * hung up), so a backup never waits forever with its database transaction open.
 */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off("drain", onDrain).off("close", onClose).off("error", done);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new TarFormatError("the archive's reader went away"));
    out.on("drain", onDrain).on("close", onClose).on("error", done);
  });
}

/** Exact-length reads from a stream of chunks. */
class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly it: AsyncIterator<unknown>;
  private done = false;

  constructor(stream: Readable) {
    this.it = stream[Symbol.asyncIterator]();
  }

  /** `n` bytes, or fewer only when the stream ended first. */
  async read(n: number): Promise<Buffer> {
    while (this.buffered < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else {
        const b = r.value as Buffer;
        this.chunks.push(b);
        this.buffered += b.length;
      }
    }
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, Math.min(n, all.length));
    const rest = all.subarray(out.length);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }

  /** Stop reading the stream (the caller gave up early). */
  async close(): Promise<void> {
    await this.it.return?.();
  }
}

function field(h: Buffer, start: number, length: number): string {
  const raw = h.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString("utf8");
}

/**
 * The regular-file members of a tar stream in order, each read whole. Directory entries and the
 * pax/GNU headers other tools add are skipped; a damaged header (checksum) or a stream cut short is a
 * TarFormatError.
 */
export async function* readTar(stream: Readable): AsyncGenerator<TarMember> {
  const reader = new ByteReader(stream);
  try {
    for (let first = true; ; first = false) {
      const h = await reader.read(BLOCK);
      // What a tar file starts with: a whole header with ustar's magic (POSIX and GNU tar both write it).
      if (first && (h.length < BLOCK || h.toString("latin1", 257, 262) !== "ustar")) throw new TarFormatError("not a tar file");
      if (h.length === 0) throw new TarFormatError("the archive ends without its end marker (cut short?)");
      if (h.length < BLOCK) throw new TarFormatError("the archive ends inside a header (cut short?)");
      if (h.every((b) => b === 0)) return;
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
      if (Number.parseInt(field(h, 148, 8).trim(), 8) !== sum) throw new TarFormatError("a damaged member header (checksum mismatch)");
      const size = Number.parseInt(field(h, 124, 12).trim() || "0", 8);
      const type = field(h, 156, 1) || "0";
      const prefix = field(h, 345, 155);
      const name = prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100);
      const data = await reader.read(size);
      if (data.length < size) throw new TarFormatError(`the archive ends inside ${name} (cut short?)`);
      const rest = size % BLOCK;
      if (rest && (await reader.read(BLOCK - rest)).length < BLOCK - rest) throw new TarFormatError(`the archive ends inside ${name} (cut short?)`);
      if (type === "0") yield { name, data: Buffer.from(data) };
    }
  } finally {
    await reader.close();
  }
}
