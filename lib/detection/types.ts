// The detection engine's result and error types. Code outside the engine reaches them, like everything
// else of the engine, through lib/detection/index.ts (lib/architecture.test.ts checks it).
// Keep this file free of Next.js and database imports: the engine runs in plain Node.
import type { RawImage } from "./signal";

export type Verdict = "ai_generated" | "likely_authentic" | "inconclusive";

/** Stable error codes for input the engine refuses. Shown to users and API clients verbatim. */
export type ImageErrorCode =
  | "image_empty"
  | "image_unsupported_format"
  | "image_too_large"
  | "image_corrupt";

export interface ImageError {
  code: ImageErrorCode;
  message: string;
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** What the upload path needs to know before a case is created (cheap: header + metadata only). */
export interface ImageInfo {
  /** Decided by magic bytes, never by file name. */
  mime: string;
  format: string; // jpeg | png | webp | gif | tiff | bmp | avif | heif
  width: number;
  height: number;
  sizeBytes: number;
}

export type SignalStatus = "ok" | "not_applicable" | "error";

export interface SignalFlag {
  /** Stable code declared in the signal's `messages`, e.g. "a1111_parameters". */
  code: string;
  /** Human sentence for this flag. */
  message: string;
  /** Which way this evidence points. */
  direction: "ai" | "authentic" | "neutral";
}

export interface SignalResult {
  id: string;
  version: string;
  status: SignalStatus;
  /** 0..1, probability-like evidence that the image is AI-generated; null when not applicable. */
  score: number | null;
  flags: SignalFlag[];
  /** One human sentence summarising what the signal found. */
  summary: string;
  /** Optional PNG to overlay on the image as displayed: same aspect as the analysed image, turned to its EXIF orientation. */
  heatmap?: { png: Buffer; label: string };
  /** Free-form details for the evidence panel (numbers, tables). JSON-serialisable. */
  details?: Record<string, unknown>;
  ms: number;
  /** When status is "error": the error message (no stack). */
  error?: string;
}

export interface Attribution {
  mostLikely: string | null;
  confidence: number;
  source: "c2pa" | "metadata" | "watermark" | "model" | "none";
  alternatives: { name: string; confidence: number }[];
}

export interface DetectionReport {
  engineVersion: string;
  modelVersion: string | null;
  fusionVersion: string;
  verdict: Verdict;
  /** 0..100: fused probability that the image is AI-generated, as a percentage. */
  score: number;
  /** 0..1: how sure the engine is of the verdict. */
  confidence: number;
  /** 0..1: spread of the evidence (disagreement, missing signals). */
  uncertainty: number;
  /** Ordered, most decisive first. */
  reasons: string[];
  attribution: Attribution;
  signals: SignalResult[];
  image: ImageInfo & { analysedWidth: number; analysedHeight: number };
  timings: { decodeMs: number; totalMs: number };
  /**
   * The 64-bit difference hash (dhash.ts) of the decoded pixels, computed where they were decoded so a
   * caller needs no second decode (absent from reports stored before it was added).
   */
  dhash?: string;
  /** False when that hash is a flat picture's, never near-duplicate matched (dhash.ts); absent where dhash is. */
  dhashInformative?: boolean;
}

export interface DetectionOptions {
  /** Skip heatmap rendering (eval, bench of verdict-only paths). */
  heatmaps?: boolean;
  /** Restrict to these signal ids (eval of single signals). */
  only?: string[];
  /**
   * What an earlier decode of these same bytes made (the upload's, handed to this process's scan of
   * it: lib/worker/decoded-handoff.ts): the analysis raster, used instead of decoding them again where
   * decodeImage can (decodeImage's `predecoded`), and the difference hash of that raster, used when
   * the raster was.
   */
  predecoded?: Predecoded;
}

/** An earlier decode of an image's bytes: decodeImage's `analysis` and differenceHash(analysis, orientation). */
export interface Predecoded {
  analysis: RawImage;
  dhash: string;
  /** differenceHash's `informative`; without it the hash is computed again. */
  dhashInformative?: boolean;
}
