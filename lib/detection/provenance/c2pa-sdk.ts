// Loads the C2PA SDK (@contentauth/c2pa-node, a native Neon addon; its bundled binary is linux-x64
// only) once per process and proves it works with a probe read. Where it cannot load, callers get a
// reason instead of an exception, so the c2pa signal degrades to "not applicable".

/** The slice of the SDK the signal uses (kept structural so tests can inject a failing loader). */
export interface C2paSdk {
  Reader: {
    fromAsset(
      asset: { buffer: Buffer; mimeType: string },
      settings?: string,
    ): Promise<{ json(): unknown } | null>;
  };
}

export type SdkLoad = { ok: true; sdk: C2paSdk } | { ok: false; reason: string };

// A 1×1 PNG without a manifest: a working SDK answers null, a broken one throws.
const PROBE_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

let cached: Promise<SdkLoad> | null = null;

export function loadC2paSdk(): Promise<SdkLoad> {
  cached ??= (async (): Promise<SdkLoad> => {
    try {
      const mod = (await import("@contentauth/c2pa-node")) as unknown as C2paSdk;
      await mod.Reader.fromAsset({ buffer: PROBE_PNG, mimeType: "image/png" });
      return { ok: true, sdk: mod };
    } catch (e) {
      return { ok: false, reason: e instanceof Error ? e.message.split("\n")[0]! : String(e) };
    }
  })();
  return cached;
}
