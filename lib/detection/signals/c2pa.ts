// C2PA Content Credentials signal. Reads and validates the embedded manifest store with the C2PA SDK
// (offline: no remote manifests, no OCSP; trust anchors from provenance/trust/), then interprets it
// (provenance/c2pa-manifest.ts).
//
// How it scores (score = evidence the image is AI-generated):
//   AI source type declared, manifest trusted            → decisive "ai", confidence 0.99
//   AI declared, valid but signer not in our anchors      → decisive "ai", 0.95 (forging an AI label has
//                                                            little to gain; trust is about who said it)
//   AI declared, invalid only for credential reasons       → decisive "ai", 0.9 (signature and content
//     (expired/untrusted cert, structural rule) but intact    hash verified, e.g. older OpenAI outputs)
//   AI declared, integrity broken (pixels changed)         → 0.8, not decisive (an AI image, since edited)
//   capture declared, trusted, no AI anywhere              → decisive "authentic", 0.95
//   capture declared, valid but untrusted                  → 0.25, not decisive (anyone can self-sign)
//   neither AI nor capture declared (trusted / valid)      → 0.4 / 0.45, not decisive
//   invalid without an AI claim, absent, unreadable,       → null (no evidence either way)
//     remote-only manifest (never fetched)
//   SDK cannot load / unsupported format                   → not applicable
import { type C2paInterpretation, interpretManifestStore, type ManifestStoreLike } from "../provenance/c2pa-manifest";
import { type SdkLoad, loadC2paSdk } from "../provenance/c2pa-sdk";
import { type TrustAnchors, loadTrustAnchors, readerSettings } from "../provenance/c2pa-trust";
import { defineSignal, type SignalDefinition, type SignalOutput } from "../signal";

const messages = {
  c2pa_trusted: {
    message: "Content Credentials (C2PA) are intact and signed by a certificate on the trust list.",
    direction: "neutral",
  },
  c2pa_valid_untrusted: {
    message: "Content Credentials (C2PA) are intact, but the signer is not on the trust list.",
    direction: "neutral",
  },
  c2pa_invalid: {
    message: "Content Credentials (C2PA) are present but fail validation.",
    direction: "neutral",
  },
  c2pa_declares_ai: {
    message: "The Content Credentials declare the image was made with generative AI.",
    direction: "ai",
  },
  c2pa_declares_capture: {
    message: "The Content Credentials declare a camera or scanner capture.",
    direction: "authentic",
  },
  c2pa_absent: {
    message: "No Content Credentials (C2PA) found; most images carry none and they are easily stripped.",
    direction: "neutral",
  },
  c2pa_unreadable: {
    message: "A Content Credentials manifest could not be read.",
    direction: "neutral",
  },
  c2pa_remote_manifest: {
    message: "The file points to a remote Content Credentials manifest, which is never fetched (offline by design).",
    direction: "neutral",
  },
  c2pa_unsupported_format: {
    message: "This file format cannot carry Content Credentials the SDK can read.",
    direction: "neutral",
  },
  c2pa_unavailable: {
    message: "The C2PA SDK is not available on this server, so Content Credentials were not checked.",
    direction: "neutral",
  },
} as const;

type Code = keyof typeof messages;
type Output = SignalOutput<Code>;

export interface C2paSignalOptions {
  /** Defaults to the real SDK; tests inject a failing loader to show the degraded result. */
  loadSdk?: () => Promise<SdkLoad>;
  /** Defaults to the PEMs in provenance/trust/ (read once, on first use). */
  trustAnchors?: TrustAnchors;
}

export function createC2paSignal(opts: C2paSignalOptions = {}): SignalDefinition<typeof messages> {
  const loadSdk = opts.loadSdk ?? loadC2paSdk;
  let anchors: TrustAnchors | undefined = opts.trustAnchors;
  return defineSignal({
    id: "c2pa",
    version: "1.1.0",
    title: "Content Credentials (C2PA)",
    messages,
    async run(image): Promise<Output> {
      const sdk = await loadSdk();
      if (!sdk.ok) {
        return {
          score: null,
          notApplicable: true,
          flags: [{ code: "c2pa_unavailable", detail: sdk.reason }],
          summary: "Content Credentials were not checked: the C2PA SDK could not be loaded on this server.",
          details: { sdkError: sdk.reason },
        };
      }
      anchors ??= loadTrustAnchors();
      const trust = { anchors: anchors.certificates, files: anchors.files, warnings: anchors.warnings };
      let store: ManifestStoreLike | null;
      try {
        const reader = await sdk.sdk.Reader.fromAsset(
          { buffer: image.bytes, mimeType: image.info.mime },
          readerSettings(anchors),
        );
        store = reader ? (reader.json() as ManifestStoreLike) : null;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (/type is unsupported|unsupported type/i.test(msg)) {
          return {
            score: null,
            notApplicable: true,
            flags: [{ code: "c2pa_unsupported_format", detail: image.info.format }],
            summary: `Content Credentials are not supported for ${image.info.format.toUpperCase()} files.`,
            details: { trust },
          };
        }
        // The SDK's refusal when remote_manifest_fetch is off; a fetch attempt would fail differently
        // ("could not fetch the remote manifest …") and land in c2pa_unreadable below.
        if (/must fetch remote manifest/i.test(msg)) {
          const url = /https?:\/\/\S+/.exec(msg)?.[0] ?? null;
          return {
            score: null,
            flags: [{ code: "c2pa_remote_manifest", ...(url ? { detail: url } : {}) }],
            summary: "The file references remote Content Credentials; Loupe does not fetch them, so they were not checked.",
            details: { state: "remote", remoteUrl: url, trust },
          };
        }
        return {
          score: null,
          flags: [{ code: "c2pa_unreadable", detail: msg }],
          summary: "A Content Credentials manifest seems to be present but could not be read; it is ignored.",
          details: { error: msg, trust },
        };
      }
      if (!store) {
        return {
          score: null,
          flags: [{ code: "c2pa_absent" }],
          summary: "No Content Credentials (C2PA) found; their absence says little, as most images carry none.",
          details: { state: "absent", trust },
        };
      }
      return scoreInterpretation(interpretManifestStore(store), trust);
    },
  });
}

function scoreInterpretation(c: C2paInterpretation, trust: Record<string, unknown>): Output {
  const flags: Output["flags"] = [];
  const signer = c.signer.commonName ?? c.signer.issuer ?? "an unknown signer";
  if (c.state === "trusted") flags.push({ code: "c2pa_trusted", detail: `Signed by ${signer}.` });
  else if (c.state === "valid") flags.push({ code: "c2pa_valid_untrusted", detail: `Signed by ${signer}.` });
  else flags.push({ code: "c2pa_invalid", detail: `Codes: ${c.failureCodes.join(", ") || "none reported"}.` });
  if (c.ai) {
    flags.push({
      code: "c2pa_declares_ai",
      detail: `${c.ai.action} as ${c.ai.sourceType}${c.generator ? ` by ${c.generator}` : ""}.`,
    });
  } else if (c.capture) {
    flags.push({ code: "c2pa_declares_capture", detail: `${c.capture.action} as ${c.capture.sourceType}.` });
  }
  const details: Record<string, unknown> = {
    state: c.state,
    intact: c.intact,
    failureCodes: c.failureCodes,
    signer: c.signer,
    claimGenerator: c.claimGenerator,
    sourceTypes: c.sourceTypes,
    aiDeclaration: c.ai,
    captureDeclaration: c.capture,
    manifests: c.manifests,
    actions: c.actions,
    trust,
  };
  const stateWords = { trusted: "trusted", valid: "valid but untrusted", invalid: "invalid" }[c.state];

  if (c.ai) {
    const confidence = !c.intact ? null : c.state === "trusted" ? 0.99 : c.state === "valid" ? 0.95 : 0.9;
    const who = c.generator ?? "a generative AI tool";
    if (confidence === null) {
      return {
        score: 0.8,
        flags,
        summary: `Content Credentials say ${who} generated this image, but they no longer match the file (edited after signing).`,
        details,
      };
    }
    const partly = c.ai.sourceType === "compositeWithTrainedAlgorithmicMedia" ? "partly " : "";
    const head =
      c.state === "trusted"
        ? `Trusted Content Credentials from ${signer}`
        : `Content Credentials signed by ${signer}${c.state === "valid" ? " (not on the trust list)" : ""}`;
    const caveat =
      c.state === "invalid" ? `; signature and content hash verify, though validation reports ${c.failureCodes.join(", ")}` : "";
    const sentence = `${head} declare the image was ${partly}generated by ${who}${caveat}.`;
    return {
      score: confidence,
      flags,
      summary: sentence,
      details: {
        ...details,
        // Convention: lib/detection/README.md, "Provenance convention".
        provenance: {
          decisive: true,
          direction: "ai",
          generator: c.generator,
          source: "c2pa",
          confidence,
          claim: sentence,
        },
      },
    };
  }
  if (c.state === "invalid") {
    return {
      score: null,
      flags,
      summary: `Content Credentials are present but invalid (${c.failureCodes.slice(0, 3).join(", ")}); they are not used as evidence.`,
      details,
    };
  }
  if (c.capture && c.state === "trusted") {
    return {
      score: 0.05,
      flags,
      summary: `Trusted Content Credentials from ${signer} declare a camera capture, with no generative AI in the history.`,
      details: {
        ...details,
        provenance: {
          decisive: true,
          direction: "authentic",
          generator: null,
          source: "c2pa",
          confidence: 0.95,
          claim: `Trusted Content Credentials (signed by ${signer}) declare a ${c.capture.sourceType} with no AI step.`,
        },
      },
    };
  }
  if (c.capture) {
    return {
      score: 0.25,
      flags,
      summary: `Content Credentials declare a camera capture, but the signer (${signer}) is not on the trust list.`,
      details,
    };
  }
  return {
    score: c.state === "trusted" ? 0.4 : 0.45,
    flags,
    summary: `${capitalise(stateWords)} Content Credentials from ${c.claimGenerator ?? signer} declare no generative AI and no capture${c.sourceTypes.length ? ` (${c.sourceTypes.join(", ")})` : ""}.`,
    details,
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export default createC2paSignal();
