import type { NextConfig } from "next";
import { MAX_REQUEST_BYTES } from "./lib/limits";

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
  ],
  experimental: {
    // One image per action call plus multipart overhead.
    serverActions: { bodySizeLimit: MAX_REQUEST_BYTES },
  },
  poweredByHeader: false,
};

export default nextConfig;
