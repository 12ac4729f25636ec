// The one contract every BlobStore meets (lib/storage/blob-store.ts), as a suite that takes a store
// factory: lib/storage/blob-store.test.ts runs it against the local store and against a real
// S3-protocol server, so both behave the same for every caller.
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "../storage/blob-store";
import { displayKey, heatmapKey, imageKey } from "../storage";

export interface BlobStoreFixture {
  store: BlobStore;
  cleanup(): Promise<void>;
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** `bytes` as a stream of `chunk`-sized pieces (what an upload looks like), optionally failing after `failAfter` bytes. */
function chunked(bytes: Buffer, chunk: number, failAfter?: number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && offset >= failAfter) {
        this.destroy(new Error("client went away"));
        return;
      }
      if (offset >= bytes.length) {
        this.push(null);
        return;
      }
      this.push(bytes.subarray(offset, offset + chunk));
      offset += chunk;
    },
  });
}

async function drain(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

export function describeBlobStore(name: string, setup: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fx: BlobStoreFixture;
    const store = () => fx.store;
    // Every test writes under its own random keys, so the tests do not read each other's objects.
    const key = (label: string) => `test/${randomBytes(6).toString("hex")}/${label}`;

    beforeAll(async () => {
      fx = await setup();
    });
    afterAll(async () => {
      await fx?.cleanup();
    });

    it("puts bytes and gets the same bytes back", async () => {
      const k = key("a.bin");
      const bytes = randomBytes(1000);
      await store().put(k, bytes);
      expect(await store().exists(k)).toBe(true);
      expect((await store().get(k))!.equals(bytes)).toBe(true);
    });

    it("a missing key: get and getStream give null, exists false, delete succeeds", async () => {
      const k = key("missing");
      expect(await store().get(k)).toBeNull();
      expect(await store().getStream(k)).toBeNull();
      expect(await store().exists(k)).toBe(false);
      await expect(store().delete(k)).resolves.toBeUndefined();
    });

    it("deletes", async () => {
      const k = key("gone");
      await store().put(k, Buffer.from("x"));
      await store().delete(k);
      expect(await store().exists(k)).toBe(false);
      expect(await store().get(k)).toBeNull();
    });

    it("replaces what was under the key", async () => {
      const k = key("replace");
      await store().put(k, Buffer.from("first version"));
      await store().put(k, Buffer.from("second"));
      expect((await store().get(k))!.toString()).toBe("second");
    });

    it("stores an empty blob", async () => {
      const k = key("empty");
      await store().put(k, Buffer.alloc(0));
      expect(await store().exists(k)).toBe(true);
      expect((await store().get(k))!.length).toBe(0);
    });

    it("streams in and out: a put from a stream, a get as a stream with its size", async () => {
      const k = key("streamed");
      const bytes = randomBytes(300_000);
      await store().put(k, chunked(bytes, 16 * 1024));
      const blob = await store().getStream(k);
      expect(blob!.size).toBe(bytes.length);
      expect((await drain(blob!.stream)).equals(bytes)).toBe(true);
    });

    it("a large object (12 MB, several multipart parts on S3) survives a streamed round trip intact", async () => {
      const k = key("large");
      const bytes = randomBytes(12 * 1024 * 1024 + 123);
      await store().put(k, chunked(bytes, 64 * 1024));
      const blob = await store().getStream(k);
      expect(blob!.size).toBe(bytes.length);
      expect(sha(await drain(blob!.stream))).toBe(sha(bytes));
      // The same object read whole, and written whole.
      expect(sha((await store().get(k))!)).toBe(sha(bytes));
      const k2 = key("large-buffer");
      await store().put(k2, bytes);
      expect(sha((await store().get(k2))!)).toBe(sha(bytes));
    });

    it("a stream that fails mid-upload rejects and leaves nothing under the key", async () => {
      const k = key("failed");
      const bytes = randomBytes(7 * 1024 * 1024);
      await expect(store().put(k, chunked(bytes, 64 * 1024, 6 * 1024 * 1024))).rejects.toThrow();
      expect(await store().exists(k)).toBe(false);
      // And a failed replace keeps the old bytes.
      await store().put(k, Buffer.from("old"));
      await expect(store().put(k, chunked(bytes, 64 * 1024, 1024 * 1024))).rejects.toThrow();
      expect((await store().get(k))!.toString()).toBe("old");
    });

    it("concurrent puts of the same content (two uploads of one image) all succeed and leave that content", async () => {
      const bytes = randomBytes(2 * 1024 * 1024);
      const k = imageKey(sha(bytes));
      await Promise.all([
        ...Array.from({ length: 6 }, () => store().put(k, bytes)),
        ...Array.from({ length: 2 }, () => store().put(k, chunked(bytes, 32 * 1024))),
      ]);
      expect(sha((await store().get(k))!)).toBe(sha(bytes));
      await store().delete(k);
    });

    it("takes the keys lib/storage/index.ts makes: content-addressed originals, display images, heatmaps", async () => {
      const bytes = randomBytes(64);
      const keys = [imageKey(sha(bytes)), displayKey(sha(bytes)), heatmapKey(`det_${randomBytes(8).toString("hex")}`, "ela")];
      for (const k of keys) await store().put(k, bytes);
      for (const k of keys) expect((await store().get(k))!.equals(bytes)).toBe(true);
      for (const k of keys) await store().delete(k);
      for (const k of keys) expect(await store().exists(k)).toBe(false);
    });

    it("lists the keys under a prefix: every one once, nothing outside it, no write in progress", async () => {
      const base = key("listed");
      const keys = [`${base}/a`, `${base}/b/c`, `${base}/b/d.png`, `${base}x/outside`];
      for (const k of keys) await store().put(k, Buffer.from(k));
      // A stream still being written is not a blob yet.
      const pending = new Readable({ read() {} });
      pending.push(Buffer.from("half"));
      const writing = store().put(`${base}/pending`, pending);
      const listed = async (prefix: string) => {
        const out: string[] = [];
        for await (const k of store().list(prefix)) out.push(k);
        return out.sort();
      };
      expect(await listed(`${base}/`)).toEqual([`${base}/a`, `${base}/b/c`, `${base}/b/d.png`]);
      expect(await listed(`${base}/b/`)).toEqual([`${base}/b/c`, `${base}/b/d.png`]);
      expect(await listed(base)).toEqual([...keys.slice(0, 3), `${base}x/outside`].sort());
      expect(await listed(`${base}/nothing/`)).toEqual([]);
      // The whole store includes them (other tests' keys too).
      const all = await listed("");
      for (const k of keys) expect(all).toContain(k);
      pending.push(null);
      await writing;
      expect(await listed(`${base}/pending`)).toEqual([`${base}/pending`]);
      for (const k of [...keys, `${base}/pending`]) await store().delete(k);
    });

    it("refuses keys that could escape the store's root or prefix", async () => {
      for (const bad of ["../x", "a/../../x", "/abs", "A/upper", "a//b", "a/", ""]) {
        await expect(store().put(bad, Buffer.from("x")), bad).rejects.toThrow(/invalid blob key/);
        await expect(store().get(bad), bad).rejects.toThrow(/invalid blob key/);
      }
    });
  });
}
