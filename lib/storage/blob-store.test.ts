// The BlobStore contract (lib/testing/blob-store-suite.ts) against both stores: files in a temp
// directory, and a bucket on a real S3-protocol server (s3rver) started by this file.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeBlobStore } from "../testing/blob-store-suite";
import { startTestS3Server, type TestS3Server } from "../testing/s3-server";
import { parseEnv } from "../env";
import { createBlobStore } from ".";
import { LocalBlobStore } from "./local-blob-store";

describeBlobStore("local files", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "loupe-blobs-"));
  return {
    store: new LocalBlobStore(dir),
    async cleanup() {
      // No temp file outlives a put, failed or concurrent.
      const left = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith(".tmp"));
      await rm(dir, { recursive: true, force: true });
      if (left.length) throw new Error(`temp files left behind: ${left.join(", ")}`);
    },
  };
});

describeBlobStore("S3 (s3rver), configured from env as BLOB_STORE=s3", async () => {
  const s3 = await startTestS3Server();
  return { store: createBlobStore(parseEnv(s3.env)), cleanup: () => s3.close() };
});

describeBlobStore("S3 (s3rver) with S3_PREFIX", async () => {
  const s3 = await startTestS3Server();
  return { store: createBlobStore(parseEnv({ ...s3.env, S3_PREFIX: "loupe/blobs/" })), cleanup: () => s3.close() };
});

describe("S3 store placement", () => {
  let s3: TestS3Server;
  beforeAll(async () => {
    s3 = await startTestS3Server();
  });
  afterAll(async () => {
    await s3?.close();
  });

  it("S3_PREFIX puts every object below the prefix in the bucket", async () => {
    const prefixed = createBlobStore(parseEnv({ ...s3.env, S3_PREFIX: "loupe/" }));
    const bare = createBlobStore(parseEnv(s3.env));
    await prefixed.put("images/ab/cd/abcd", Buffer.from("pixels"));
    expect(await bare.exists("images/ab/cd/abcd")).toBe(false);
    expect((await bare.get("loupe/images/ab/cd/abcd"))!.toString()).toBe("pixels");
  });

  it("a process started with BLOB_STORE=s3 writes to the bucket through getBlobStore()", async () => {
    const script = `import { getBlobStore } from "./lib/storage/index.ts";
await getBlobStore().put("from-child/hello", Buffer.from("written by a child process"));`;
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
      // BLOB_DIR points somewhere that does not exist: the child must not fall back to local files.
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        env: { ...process.env, ...s3.env, BLOB_DIR: "/nonexistent/loupe-blobs" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("exit", (c) => resolve({ stdout: out, stderr: err, code: c }));
    });
    expect(code, stdout + stderr).toBe(0);
    expect((await createBlobStore(parseEnv(s3.env)).get("from-child/hello"))!.toString()).toBe("written by a child process");
  });

  it("a process started with BLOB_STORE=s3 but no bucket stops at start-up naming what is missing", async () => {
    const env = { ...process.env, ...s3.env };
    delete env.S3_BUCKET;
    const result = await new Promise<{ stderr: string; code: number | null }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `await import("./lib/storage/index.ts");`], { env, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (d) => (err += d));
      child.on("exit", (c) => resolve({ stderr: err, code: c }));
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("Invalid environment");
    expect(result.stderr).toContain("S3_BUCKET: required when BLOB_STORE=s3");
  });
});
