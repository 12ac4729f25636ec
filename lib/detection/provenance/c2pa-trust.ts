// Trust configuration for the C2PA Reader: PEM anchors from ./trust/ (see trust/README.md) and the
// settings that keep verification offline. Expected failures are values: an unreadable trust folder
// yields zero anchors plus a warning, never an exception.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

/**
 * Resolved from the working directory: the app, the worker and the CLIs all start at the repo root,
 * and a bundler-proof path matters more here than import.meta tricks.
 */
export const DEFAULT_TRUST_DIR = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "lib/detection/provenance/trust");

export interface TrustAnchors {
  /** Concatenated PEM certificates ("" when none). */
  pem: string;
  certificates: number;
  files: string[];
  warnings: string[];
}

const CERT_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function loadTrustAnchors(dir: string = DEFAULT_TRUST_DIR): TrustAnchors {
  const warnings: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith(".pem")).sort();
  } catch (e) {
    warnings.push(`trust folder unreadable: ${e instanceof Error ? e.message : String(e)}`);
  }
  const certs: string[] = [];
  const files: string[] = [];
  for (const name of names) {
    try {
      const found = readFileSync(path.join(dir, name), "utf8").match(CERT_RE) ?? [];
      if (found.length === 0) warnings.push(`${name}: no PEM certificate found`);
      else files.push(name);
      certs.push(...found);
    } catch (e) {
      warnings.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { pem: certs.map((c) => `${c}\n`).join(""), certificates: certs.length, files, warnings };
}

/**
 * c2pa-rs settings (snake_case JSON) for reading. Network-touching features are off: remote manifests
 * are never fetched and OCSP is never queried, whatever the manifest asks for.
 */
export function readerSettings(anchors: TrustAnchors): string {
  return JSON.stringify({
    verify: {
      verify_after_reading: true,
      verify_trust: true,
      remote_manifest_fetch: false,
      ocsp_fetch: false,
    },
    trust: {
      verify_trust_list: true,
      ...(anchors.certificates > 0 ? { trust_anchors: anchors.pem } : {}),
    },
  });
}
