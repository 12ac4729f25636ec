// Blobs in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, …), so that web servers and workers on
// different machines read and write the same objects. Keys are the same as the local store's
// (lib/storage/index.ts), below an optional prefix.
import type { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, paginateListObjectsV2, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { assertBlobKey, type BlobStore, type BlobStream } from "./blob-store";

export interface S3BlobStoreConfig {
  bucket: string;
  region: string;
  /** Unset → AWS S3's own endpoint for the region. */
  endpoint?: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key` (MinIO and most self-hosted servers). */
  forcePathStyle: boolean;
  /** Both or neither; neither → the AWS SDK's default credential chain (instance or task role, …). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Prepended to every key ("loupe/" shares a bucket with other data). */
  prefix?: string;
}

/** Part size of streamed uploads: S3's minimum part size, so a stream is held at most this much at a time (times the queue). */
const PART_BYTES = 5 * 1024 * 1024;

function isNotFound(err: unknown): boolean {
  if (err instanceof S3ServiceException) return err.$metadata.httpStatusCode === 404 || err.name === "NoSuchKey" || err.name === "NotFound";
  return false;
}

export class S3BlobStore implements BlobStore {
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(config: S3BlobStoreConfig) {
    this.bucket = config.bucket;
    this.prefix = config.prefix ?? "";
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
      // Checksums only where the S3 API requires them: since SDK 3.729 the default adds CRC32 checksums
      // (and aws-chunked trailers on streams) to every upload, which several S3-compatible servers reject
      // or store wrongly. Integrity in transit comes from TLS (use an https endpoint).
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return this.prefix + key;
  }

  async put(key: string, body: Buffer | Readable): Promise<void> {
    const Key = this.objectKey(key);
    if (Buffer.isBuffer(body)) {
      // One PutObject: S3 makes the object visible only once all of it has arrived (atomic replace).
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: body, ContentLength: body.length }));
      return;
    }
    // A stream of unknown length: multipart upload in PART_BYTES parts (a single PutObject when it turns
    // out smaller). The object appears only at CompleteMultipartUpload; a failing stream aborts the upload
    // and leaves no object and no orphaned parts.
    const upload = new Upload({ client: this.client, params: { Bucket: this.bucket, Key, Body: body }, partSize: PART_BYTES, queueSize: 2, leavePartsOnError: false });
    await upload.done();
  }

  async get(key: string): Promise<Buffer | null> {
    const blob = await this.getStream(key);
    if (!blob) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async getStream(key: string): Promise<BlobStream | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      // In Node the SDK's body is an http.IncomingMessage, a Readable.
      return { stream: out.Body as Readable, size: out.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    // S3's DeleteObject succeeds for a key that does not exist.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async *list(prefix = ""): AsyncIterable<string> {
    // ListObjectsV2 pages of up to 1000 keys; the store's own prefix is taken off again.
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.prefix + prefix })) {
      for (const o of page.Contents ?? []) if (o.Key) yield o.Key.slice(this.prefix.length);
    }
  }
}
