// Deterministic test images for the detector (no third-party pixels). parityImage() is the formula
// models/training/export.py used to write models/parity.json.
import { fileURLToPath } from "node:url";
import type { RawImage } from "../signal";

export const COMMITTED_MODEL = fileURLToPath(new URL("../../../models/loupe-detector.onnx", import.meta.url));
export const PARITY_JSON = fileURLToPath(new URL("../../../models/parity.json", import.meta.url));

/** v(x, y, c) = (37x + 11y + 71c + 5·((x·y) mod 13)) mod 256, RGB interleaved. */
export function parityImage(width: number, height: number): RawImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) data[3 * (y * width + x) + c] = (37 * x + 11 * y + 71 * c + 5 * ((x * y) % 13)) % 256;
  return { data, width, height, channels: 3 };
}
