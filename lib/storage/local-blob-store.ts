import { createWriteStream } from "node:fs";
import { mkdir, open, opendir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertBlobKey, type BlobStore, type BlobStream } from "./blob-store";

// ENOTDIR: a key whose parent path is a file holds nothing either.
// A write in progress (put's temp file) is no blob yet.
const TEMP_FILE = /\.[0-9a-f]{12}\.tmp$/;
const isMissing = (err: unknown) => ["ENOENT", "ENOTDIR"].includes((err as NodeJS.ErrnoException).code ?? "");

/** Files under a root directory, fanned out by the first characters of the key. */
export class LocalBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private file(key: string): string {
    assertBlobKey(key);
    return path.join(this.root, key);
  }

  async put(key: string, body: Buffer | Readable): Promise<void> {
    const target = this.file(key);
    // A buffer is written first and its directory made only when missing (one file call fewer on the
    // upload path); a stream cannot be replayed, so its directory is made first.
    if (!Buffer.isBuffer(body)) await mkdir(path.dirname(target), { recursive: true });
    // Write to a temp file then rename: a crash or a failing stream never leaves a half-written blob
    // under the key, and concurrent writers of the same key each rename a complete file.
    const tmp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      if (Buffer.isBuffer(body)) {
        await writeFile(tmp, body).catch(async (err: unknown) => {
          if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(tmp, body);
        });
      } else await pipeline(body, createWriteStream(tmp));
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.file(key));
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async getStream(key: string): Promise<BlobStream | null> {
    let handle;
    try {
      handle = await open(this.file(key), "r");
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    // Size and stream from the same open file: a concurrent replace (a rename) cannot make them disagree.
    try {
      const { size } = await handle.stat();
      return { stream: handle.createReadStream(), size };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.file(key));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  async *list(prefix = ""): AsyncIterable<string> {
    yield* this.walk("", prefix);
  }

  /** Keys under the directory `rel` (relative to the root) that start with `prefix`; depth first. */
  private async *walk(rel: string, prefix: string): AsyncIterable<string> {
    let dir;
    try {
      dir = await opendir(path.join(this.root, rel));
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    for await (const entry of dir) {
      const key = rel ? `${rel}/${entry.name}` : entry.name;
      // Only directories on the way to the prefix, or below it, can hold a match.
      if (entry.isDirectory() && (key.startsWith(prefix) || prefix.startsWith(`${key}/`))) yield* this.walk(key, prefix);
      else if (entry.isFile() && key.startsWith(prefix) && !TEMP_FILE.test(entry.name)) yield key;
    }
  }
}
