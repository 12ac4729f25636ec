import type { NextConfig } from "next";
import { MAX_BATCH_REQUEST_BYTES, MAX_REQUEST_BYTES } from "./lib/limits";

const nextConfig: NextConfig = {
  // Native and wasm packages are loaded by Node at run time, not bundled.
  serverExternalPackages: [
    "sharp",
    "onnxruntime-node",
    "@contentauth/c2pa-node",
    "@electric-sql/pglite",
    "libheif-js",
    "postgres",
    "exifr",
    // The S3 blob store's SDK (lib/storage/s3-blob-store.ts); Next already keeps @aws-sdk/client-s3 external.
    "@aws-sdk/lib-storage",
  ],
  experimental: {
    // One image per action call plus multipart overhead.
    serverActions: { bodySizeLimit: MAX_REQUEST_BYTES },
    // With a proxy (proxy.ts), Next buffers request bodies up to this size and cuts off the rest
    // (default 10 MB, which would truncate a legitimate 15 MB upload). A little over the largest
    // request we accept: a longer body still arrives longer than the limit, so the route's own
    // streaming count (lib/api/read-body.ts) answers 413 instead of seeing a cut-off image.
    // Batch detection (POST /api/v1/detect/batch) takes the largest bodies; every route still counts its own limit.
    proxyClientMaxBodySize: MAX_BATCH_REQUEST_BYTES + 64 * 1024,
  },
  poweredByHeader: false,
};

export default nextConfig;
