// lib/env.ts's start-up validation of the blob store settings: BLOB_STORE=s3 without what it needs stops
// the process with every missing name, instead of failing on the first upload.
import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";

const S3 = { BLOB_STORE: "s3", S3_BUCKET: "loupe", S3_REGION: "us-east-1", S3_ACCESS_KEY_ID: "id", S3_SECRET_ACCESS_KEY: "secret" };

describe("blob store settings", () => {
  it("defaults to the local store, needing no S3 settings", () => {
    expect(parseEnv({}).BLOB_STORE).toBe("local");
  });

  it("takes a complete S3 configuration", () => {
    const e = parseEnv({ ...S3, S3_ENDPOINT: "http://minio:9000", S3_FORCE_PATH_STYLE: "true", S3_PREFIX: "loupe/" });
    expect(e).toMatchObject({ BLOB_STORE: "s3", S3_ENDPOINT: "http://minio:9000", S3_FORCE_PATH_STYLE: true, S3_PREFIX: "loupe/" });
    expect(parseEnv(S3).S3_FORCE_PATH_STYLE).toBe(false);
  });

  it("takes no keys at all (the AWS default credential chain)", () => {
    expect(() => parseEnv({ BLOB_STORE: "s3", S3_BUCKET: "loupe", S3_REGION: "eu-west-1" })).not.toThrow();
  });

  it.each([
    [{ S3_BUCKET: undefined }, ["S3_BUCKET: required when BLOB_STORE=s3"]],
    [{ S3_REGION: undefined }, ["S3_REGION: required when BLOB_STORE=s3"]],
    [{ S3_BUCKET: undefined, S3_REGION: undefined }, ["S3_BUCKET: required", "S3_REGION: required"]],
    [{ S3_SECRET_ACCESS_KEY: undefined }, ["S3_SECRET_ACCESS_KEY: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together"]],
    [{ S3_ACCESS_KEY_ID: undefined }, ["S3_ACCESS_KEY_ID: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together"]],
    [{ S3_ENDPOINT: "minio:9000" }, ["S3_ENDPOINT"]],
    [{ S3_FORCE_PATH_STYLE: "sure" }, ["S3_FORCE_PATH_STYLE"]],
    [{ S3_PREFIX: "loupe" }, ["S3_PREFIX"]],
    [{ S3_PREFIX: "../" }, ["S3_PREFIX"]],
    [{ BLOB_STORE: "gcs" }, ["BLOB_STORE"]],
  ])("refuses %o, naming %o", (change, messages) => {
    let error = "";
    try {
      parseEnv({ ...S3, ...change });
    } catch (err) {
      error = (err as Error).message;
    }
    expect(error).toMatch(/^Invalid environment:/);
    for (const m of messages) expect(error).toContain(m);
  });
});
