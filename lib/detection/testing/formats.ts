// One fixture per format Loupe advertises (JPEG, PNG, WebP, GIF, TIFF, BMP, AVIF, HEIC), for the tests
// that push every format through every door: the engine, the upload action, the REST API and the CLI.
import { makeAnimatedGif, makeAvif, makeBmp, makeJpeg, makePng, makeTiff, makeWebp } from "./fixtures";
import { heifEncAvailable, makeHeic } from "./heic";

export interface FormatFixture {
  /** The engine's format name (`heif` for HEIC). */
  format: string;
  /** The usual file extension. */
  ext: string;
  width: number;
  height: number;
  make(): Promise<Buffer>;
  /** False where the fixture's encoder is missing (heif-enc for HEIC; .ci/run installs it). */
  available(): boolean;
  /** MIME type of what the case page shows: the original, or a WebP derivative. */
  displayedAs: string;
}

const always = () => true;

export const ADVERTISED_FORMATS: FormatFixture[] = [
  { format: "jpeg", ext: "jpg", width: 320, height: 240, make: () => makeJpeg({ width: 320, height: 240, seed: 1 }), available: always, displayedAs: "image/jpeg" },
  { format: "png", ext: "png", width: 320, height: 240, make: () => makePng({ width: 320, height: 240, seed: 2 }), available: always, displayedAs: "image/png" },
  { format: "webp", ext: "webp", width: 320, height: 240, make: () => makeWebp({ width: 320, height: 240, seed: 3 }), available: always, displayedAs: "image/webp" },
  { format: "gif", ext: "gif", width: 160, height: 120, make: () => makeAnimatedGif({ width: 160, height: 120, seed: 4 }), available: always, displayedAs: "image/gif" },
  { format: "tiff", ext: "tiff", width: 320, height: 240, make: () => makeTiff({ width: 320, height: 240, seed: 5 }), available: always, displayedAs: "image/webp" },
  { format: "bmp", ext: "bmp", width: 320, height: 240, make: async () => makeBmp({ width: 320, height: 240, seed: 6 }), available: always, displayedAs: "image/bmp" },
  { format: "avif", ext: "avif", width: 320, height: 240, make: () => makeAvif({ width: 320, height: 240, seed: 7 }), available: always, displayedAs: "image/avif" },
  {
    format: "heif",
    ext: "heic",
    width: 320,
    height: 240,
    make: async () => makeHeic(await makePng({ width: 320, height: 240, seed: 8 })),
    available: () => heifEncAvailable() || Boolean(process.env.CI),
    displayedAs: "image/webp",
  },
];
