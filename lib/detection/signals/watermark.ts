// Invisible-watermark signal: looks for the "dwtDct" marks that the Stable Diffusion reference
// scripts, diffusers' SDXL pipelines and InvokeAI embed by default (decoder: ../provenance/dwtdct/).
// The mark lives on the exact pixel grid of the output, so we read the full-resolution pixels and
// never the analysis downscale; a resize, crop offset or strong recompression destroys it, which is
// why its absence says nothing. Measured with the test embedder: it survives lossless re-encoding
// and JPEG q ≥ 90 with 4:4:4 chroma (q 75–85: most uint8-domain marks, about half of the float-domain
// ones), and is lost to 4:2:0 chroma subsampling and any resize. The decision threshold (family-wise
// 1e-6 per image) is explained at FAMILY_ALPHA in ../provenance/dwtdct/decoder.ts.
import { decodeDwtDct } from "../provenance/dwtdct";
import { defineSignal } from "../signal";

/** The reference encoder refuses images under 256×256 px; we require both sides ≥ 256. */
const MIN_SIDE = 256;

export default defineSignal({
  id: "watermark",
  version: "1.3.0",
  title: "Invisible watermark (Stable Diffusion / SDXL / InvokeAI dwtDct)",
  messages: {
    watermark_detected: {
      message: "An invisible generator watermark was decoded from the pixels.",
      direction: "ai",
    },
    watermark_not_found: {
      message: "No known invisible watermark was found (most generators do not add one, and edits remove it).",
      direction: "neutral",
    },
    image_too_small: {
      message: "The image is smaller than 256 px on a side, below what the watermark scheme supports.",
      direction: "neutral",
    },
  },
  async run(image) {
    const { width, height } = image.info;
    if (width < MIN_SIDE || height < MIN_SIDE) {
      return {
        score: null,
        notApplicable: true,
        flags: [{ code: "image_too_small", detail: `${width}×${height}` }],
        summary: `Not checked: ${width}×${height} px is below the ${MIN_SIDE} px the dwtDct watermark needs.`,
      };
    }
    const result = decodeDwtDct(await image.fullRes());
    const best = result.best;
    const evidence = {
      scheme: "invisible-watermark dwtDct (U channel, Haar LL, 4×4 blocks, scale 36)",
      blocks: result.blocks,
      totalBlocks: result.totalBlocks,
      // Rows are sampled first; with no hint of a mark in the sample the rest is skipped (dwtdct/decoder.ts).
      sampleStride: result.sampleStride,
      stoppedEarly: result.stoppedEarly,
      hypotheses: result.hypotheses,
      log10Threshold: round(result.log10Threshold),
      best: best && {
        payload: best.id,
        generator: best.generator,
        matchedBits: `${best.matches}/${best.length}`,
        domain: best.domain,
        channelOrder: best.order,
        inverted: best.inverted,
        voteAgreement: round(best.agreement),
        log10P: round(best.log10P),
      },
    };
    const hit = result.detected;
    if (hit) {
      return {
        // A chance match is below the family-wise 1e-6 we test at; the residual is not zero.
        score: 0.99,
        flags: [
          {
            code: "watermark_detected",
            detail: `${hit.generator}: ${hit.matches}/${hit.length} bits match (p ≈ 1e${Math.round(hit.log10P)}).`,
          },
        ],
        summary: `The ${hit.generator} invisible watermark is present (${hit.matches} of ${hit.length} bits match).`,
        details: {
          ...evidence,
          // Convention: lib/detection/README.md, "Provenance convention".
          provenance: {
            decisive: true,
            direction: "ai",
            generator: hit.generator,
            source: "watermark",
            confidence: 0.99,
            claim: `The pixels carry the ${hit.generator} invisible watermark (${hit.matches}/${hit.length} bits of payload "${hit.id}").`,
          },
        },
      };
    }
    return {
      // Absence is not evidence: resizing, cropping or re-encoding removes this mark, and most
      // generators never add it. Null keeps it out of the fusion instead of faking a 0.5.
      score: null,
      flags: [{ code: "watermark_not_found" }],
      summary: "No known invisible watermark found; this neither confirms nor rules out AI generation.",
      details: evidence,
    };
  },
});

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
