import sharp from "sharp";

/**
 * Decodes every pixel (failing on truncated data, so the upload path also proves the file is whole)
 * and returns its 64-bit difference hash (dHash, Krawetz 2013): 9×8 greyscale, one bit per horizontal gradient.
 * Robust to re-encoding and resizing; used to find near-duplicate submissions.
 */
export async function differenceHash(bytes: Buffer): Promise<string> {
  const { data } = await sharp(bytes, { failOn: "truncated", limitInputPixels: 8192 * 8192 })
    .rotate()
    .greyscale()
    .resize(9, 8, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  let bits = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      bits = (bits << 1n) | (data[y * 9 + x]! > data[y * 9 + x + 1]! ? 1n : 0n);
    }
  }
  return bits.toString(16).padStart(16, "0");
}

export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}
