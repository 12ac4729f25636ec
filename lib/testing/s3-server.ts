// A real S3-protocol server for tests: s3rver on a free loopback port, objects in a temp directory, one
// bucket created up front. Tests start it themselves, so nothing outside them (CI included) has to.
// s3rver checks SigV4 signatures (with its fixed S3RVER/S3RVER key pair) and serves path-style URLs.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** The environment that points Loupe at this server (lib/env.ts names). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startTestS3Server(bucket = "loupe-test"): Promise<TestS3Server> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "loupe-s3rver-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    env: {
      BLOB_STORE: "s3",
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_FORCE_PATH_STYLE: "true",
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
