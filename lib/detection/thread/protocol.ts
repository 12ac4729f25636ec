// Messages between ./pool.ts (caller) and ./serve.ts (detection thread).
import type { DetectionOptions, DetectionReport, ImageError, Result } from "../types";

export interface DetectionRequest {
  id: number;
  /** A copy of the image bytes (structured clone turns a Buffer into a Uint8Array). */
  bytes: Uint8Array;
  opts: DetectionOptions;
}

export type DetectionReply =
  | { id: number; result: Result<DetectionReport, ImageError>; error?: undefined }
  | { id: number; error: string; result?: undefined };
