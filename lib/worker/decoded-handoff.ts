// The upload's decode, handed to this process's own scan of the image. An upload decodes the image in
// full (to refuse a truncated file and to hash its pixels: lib/cases/submit-image.ts), and the
// in-process worker, which usually scans it moments later, would read the same bytes back from the
// blob store, decode them and hash the pixels again. Instead the bytes, the decoded raster and its
// hash wait here, by sha256, for a short while and within a byte budget; a scan that finds nothing
// (another process took the case, or it came too late) reads and decodes as before, with the same
// report either way.
//
// On globalThis: Next bundles the upload routes and the in-process worker separately, and module
// state would not be shared between the bundles.
import type { Predecoded } from "../detection";

/** What all waiting entries may hold together (bytes and rasters). */
export const HANDOFF_MAX_BYTES = 64 * 1024 * 1024;
/** An entry not taken by then is dropped: its scan is not coming soon, or happens elsewhere. */
export const HANDOFF_MAX_AGE_MS = 60_000;

interface Entry {
  bytes: Buffer;
  predecoded: Predecoded;
  size: number;
  at: number;
}

interface State {
  enabled: boolean;
  entries: Map<string, Entry>;
  size: number;
}

const g = globalThis as unknown as { __loupeDecodedHandoff?: State };

function state(): State {
  return (g.__loupeDecodedHandoff ??= { enabled: false, entries: new Map(), size: 0 });
}

function drop(s: State, sha256: string): Entry | undefined {
  const e = s.entries.get(sha256);
  if (e) {
    s.entries.delete(sha256);
    s.size -= e.size;
  }
  return e;
}

/** Turned on where scans run in the same process as uploads (the in-process worker); off, offers are ignored. */
export function setDecodedHandoff(enabled: boolean): void {
  const s = state();
  s.enabled = enabled;
  if (!enabled) {
    s.entries.clear();
    s.size = 0;
  }
}

/** After an upload commits: its bytes, the analysis raster decodeImage made of them and that raster's difference hash. */
export function offerDecoded(sha256: string, bytes: Buffer, predecoded: Predecoded, now = Date.now()): void {
  const s = state();
  if (!s.enabled) return;
  const size = bytes.length + predecoded.analysis.data.length;
  if (size > HANDOFF_MAX_BYTES / 4) return;
  drop(s, sha256);
  s.entries.set(sha256, { bytes, predecoded, size, at: now });
  s.size += size;
  // Oldest first (insertion order): over the budget or past their age, they go.
  for (const [k, e] of s.entries) {
    if (s.size <= HANDOFF_MAX_BYTES && now - e.at <= HANDOFF_MAX_AGE_MS) break;
    drop(s, k);
  }
}

/** For a scan: the bytes and decode of the image with this sha256, if this process still holds them (taken: once). */
export function takeDecoded(sha256: string, now = Date.now()): { bytes: Buffer; predecoded: Predecoded } | null {
  const e = drop(state(), sha256);
  return e && now - e.at <= HANDOFF_MAX_AGE_MS ? { bytes: e.bytes, predecoded: e.predecoded } : null;
}

/** What is waiting (tests, diagnostics). */
export function decodedHandoffStats(): { entries: number; bytes: number; enabled: boolean } {
  const s = state();
  return { entries: s.entries.size, bytes: s.size, enabled: s.enabled };
}
