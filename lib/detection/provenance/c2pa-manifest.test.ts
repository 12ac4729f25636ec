import { describe, expect, it } from "vitest";
import { interpretManifestStore, MAX_LISTED_ACTIONS, type ManifestStoreLike } from "./c2pa-manifest";

const DST = "http://cv.iptc.org/newscodes/digitalsourcetype/";

// Shaped like the SDK's JSON for a 2025 ChatGPT image: the active manifest only converts, the AI
// declaration sits in the ingredient's manifest, and the credential has expired since.
const openAiLike: ManifestStoreLike = {
  active_manifest: "urn:active",
  validation_state: "Invalid",
  manifests: {
    "urn:active": {
      claim_generator_info: [{ name: "ChatGPT" }],
      signature_info: { issuer: "OpenAI", common_name: "Signer CLI" },
      ingredients: [{ title: "image.png", relationship: "componentOf", active_manifest: "urn:ingredient" }],
      assertions: [],
    },
    "urn:ingredient": {
      claim_generator_info: [{ name: "ChatGPT" }],
      assertions: [
        {
          label: "c2pa.actions.v2",
          data: {
            actions: [
              { action: "c2pa.created", softwareAgent: { name: "GPT-4o" }, digitalSourceType: `${DST}trainedAlgorithmicMedia` },
              { action: "c2pa.converted", softwareAgent: { name: "OpenAI API" } },
            ],
          },
        },
      ],
    },
  },
  validation_results: {
    activeManifest: {
      success: [{ code: "claimSignature.validated" }, { code: "assertion.dataHash.match" }],
      failure: [{ code: "signingCredential.expired" }, { code: "signingCredential.untrusted" }, { code: "assertion.action.malformed" }],
    },
    ingredientDeltas: [{ validationDeltas: { failure: [{ code: "signingCredential.expired" }] } }],
  },
};

describe("interpretManifestStore", () => {
  it("finds the AI declaration in an ingredient manifest and names its software agent", () => {
    const c = interpretManifestStore(openAiLike);
    expect(c).toMatchObject({
      state: "invalid",
      intact: true,
      generator: "GPT-4o",
      claimGenerator: "ChatGPT",
      sourceTypes: ["trainedAlgorithmicMedia"],
      ai: { sourceType: "trainedAlgorithmicMedia", action: "c2pa.created", manifest: "urn:ingredient" },
      capture: null,
      signer: { issuer: "OpenAI", commonName: "Signer CLI" },
    });
    expect(c.failureCodes).toEqual(["signingCredential.expired", "signingCredential.untrusted", "assertion.action.malformed"]);
  });

  it("lists every action of the history, with or without a source type, and caps the list", () => {
    expect(interpretManifestStore(openAiLike).actions).toEqual([
      { action: "c2pa.created", softwareAgent: "GPT-4o", sourceType: "trainedAlgorithmicMedia", manifest: "urn:ingredient" },
      { action: "c2pa.converted", softwareAgent: "OpenAI API", sourceType: null, manifest: "urn:ingredient" },
    ]);
    const many: ManifestStoreLike = {
      active_manifest: "a",
      manifests: { a: { assertions: [{ label: "c2pa.actions", data: { actions: Array.from({ length: 500 }, () => ({ action: "c2pa.edited" })) } }] } },
    };
    expect(interpretManifestStore(many).actions).toHaveLength(MAX_LISTED_ACTIONS);
  });

  it("treats a hash mismatch as broken integrity", () => {
    const tampered: ManifestStoreLike = {
      ...openAiLike,
      validation_results: {
        activeManifest: {
          success: [{ code: "claimSignature.validated" }],
          failure: [{ code: "assertion.dataHash.mismatch" }],
        },
      },
    };
    expect(interpretManifestStore(tampered).intact).toBe(false);
  });

  it.each([
    ["Trusted", "trusted"],
    ["Valid", "valid"],
    ["Invalid", "invalid"],
    [undefined, "invalid"],
  ] as const)("maps validation_state %s to %s", (raw, state) => {
    expect(interpretManifestStore({ ...openAiLike, validation_state: raw }).state).toBe(state);
  });

  it("falls back to the claim generator string and handles string software agents", () => {
    const c = interpretManifestStore({
      active_manifest: "m",
      validation_state: "Valid",
      manifests: {
        m: {
          claim_generator: "Adobe_Firefly c2pa-rs/0.30",
          assertions: [{ label: "c2pa.actions", data: { actions: [{ action: "c2pa.created", digitalSourceType: `${DST}compositeWithTrainedAlgorithmicMedia` }] } }],
        },
      },
    });
    expect(c.generator).toBe("Adobe_Firefly c2pa-rs/0.30");
    expect(c.ai?.sourceType).toBe("compositeWithTrainedAlgorithmicMedia");
  });

  it("does not loop on cyclic ingredient references", () => {
    const c = interpretManifestStore({
      active_manifest: "a",
      manifests: { a: { ingredients: [{ active_manifest: "b" }] }, b: { ingredients: [{ active_manifest: "a" }] } },
    });
    expect(c.manifests).toBe(2);
    expect(c.ai).toBeNull();
  });
});
