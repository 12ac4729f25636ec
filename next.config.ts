import type { NextConfig } from "next";

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
    // 20 MB per image plus multipart overhead.
    serverActions: { bodySizeLimit: "21mb" },
  },
  poweredByHeader: false,
};

export default nextConfig;
