import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadC2paSdk } from "../provenance/c2pa-sdk";
import type { TrustAnchors } from "../provenance/c2pa-trust";
import { type TestCa, makeTestCa, signJpeg, tamperJpegPixels } from "../testing/c2pa-fixtures";
import { makeBmp, makeJpeg } from "../testing/fixtures";
import { decoded } from "../testing/provenance-fixtures";
import { createC2paSignal } from "./c2pa";

const ctx = { heatmaps: false };
const sdk = await loadC2paSdk();
// The SDK's bundled native binary is linux-x64 only; elsewhere these cases cannot run, and the
// degraded result is covered by the "unavailable" test below instead.
const c2paAvailable = sdk.ok;
const NO_ANCHORS: TrustAnchors = { pem: "", certificates: 0, files: [], warnings: [] };
const codes = (out: { flags: { code: string }[] }) => out.flags.map((f) => f.code);

describe("c2pa signal", () => {
  let ca: TestCa;
  let other: TestCa;
  let jpeg: Buffer;
  beforeAll(async () => {
    if (!c2paAvailable) return;
    ca = makeTestCa("Loupe Test");
    other = makeTestCa("Unrelated");
    jpeg = await makeJpeg({ width: 96, height: 64, seed: 3 });
  });
  afterAll(() => {
    ca?.dispose();
    other?.dispose();
  });

  it.skipIf(!c2paAvailable)("trusted manifest declaring AI is decisive and names the generator", async () => {
    const signed = await signJpeg(jpeg, ca, { digitalSourceType: "trainedAlgorithmicMedia", softwareAgent: "Test Diffusion 2" });
    const out = await createC2paSignal({ trustAnchors: ca.anchors }).run(await decoded(signed), ctx);
    expect(codes(out)).toEqual(["c2pa_trusted", "c2pa_declares_ai"]);
    expect(out.score).toBe(0.99);
    expect(out.details).toMatchObject({ state: "trusted", failureCodes: [] });
    expect(out.details?.provenance).toMatchObject({
      decisive: true,
      direction: "ai",
      generator: "Test Diffusion 2",
      source: "c2pa",
      confidence: 0.99,
    });
    expect(out.summary).toContain("Test Diffusion 2");
  });

  it.skipIf(!c2paAvailable)("valid but untrusted (no anchors, or another CA's) is still decisive, at lower confidence", async () => {
    const signed = await signJpeg(jpeg, ca, { digitalSourceType: "compositeWithTrainedAlgorithmicMedia", softwareAgent: "Test Fill" });
    for (const anchors of [NO_ANCHORS, other.anchors]) {
      const out = await createC2paSignal({ trustAnchors: anchors }).run(await decoded(signed), ctx);
      expect(codes(out)).toEqual(["c2pa_valid_untrusted", "c2pa_declares_ai"]);
      expect(out.details).toMatchObject({ state: "valid", failureCodes: ["signingCredential.untrusted"] });
      expect(out.details?.provenance).toMatchObject({ decisive: true, direction: "ai", generator: "Test Fill", confidence: 0.95 });
    }
  });

  it.skipIf(!c2paAvailable)("pixels changed after signing: invalid with codes, AI claim kept but not decisive", async () => {
    const signed = await signJpeg(jpeg, ca, { digitalSourceType: "trainedAlgorithmicMedia", softwareAgent: "Test Diffusion 2" });
    const out = await createC2paSignal({ trustAnchors: ca.anchors }).run(await decoded(tamperJpegPixels(signed)), ctx);
    expect(codes(out)).toEqual(["c2pa_invalid", "c2pa_declares_ai"]);
    expect(out.details?.failureCodes).toContain("assertion.dataHash.mismatch");
    expect(out.details).toMatchObject({ state: "invalid", intact: false });
    expect(out.details?.provenance).toBeUndefined();
    expect(out.score).toBe(0.8);
  });

  it.skipIf(!c2paAvailable)("invalid manifest without an AI claim is not evidence", async () => {
    const signed = await signJpeg(jpeg, ca, { digitalSourceType: "digitalCapture" });
    const out = await createC2paSignal({ trustAnchors: ca.anchors }).run(await decoded(tamperJpegPixels(signed)), ctx);
    expect(codes(out)[0]).toBe("c2pa_invalid");
    expect(out.score).toBeNull();
  });

  it.skipIf(!c2paAvailable)("trusted capture is decisive for authentic; untrusted capture only leans", async () => {
    const signed = await signJpeg(jpeg, ca, { digitalSourceType: "digitalCapture", softwareAgent: "Test Camera" });
    const trusted = await createC2paSignal({ trustAnchors: ca.anchors }).run(await decoded(signed), ctx);
    expect(codes(trusted)).toEqual(["c2pa_trusted", "c2pa_declares_capture"]);
    expect(trusted.details?.provenance).toMatchObject({ decisive: true, direction: "authentic", source: "c2pa" });
    expect(trusted.score).toBeLessThan(0.1);
    const untrusted = await createC2paSignal({ trustAnchors: NO_ANCHORS }).run(await decoded(signed), ctx);
    expect(codes(untrusted)).toEqual(["c2pa_valid_untrusted", "c2pa_declares_capture"]);
    expect(untrusted.details?.provenance).toBeUndefined();
    expect(untrusted.score).toBe(0.25);
  });

  it.skipIf(!c2paAvailable)("manifest declaring neither AI nor capture leans slightly authentic", async () => {
    const signed = await signJpeg(jpeg, ca, { digitalSourceType: "digitalArt", claimGenerator: "Test Editor" });
    const out = await createC2paSignal({ trustAnchors: ca.anchors }).run(await decoded(signed), ctx);
    expect(codes(out)).toEqual(["c2pa_trusted"]);
    expect(out.score).toBe(0.4);
    expect(out.summary).toContain("Test Editor");
    expect(out.details?.sourceTypes).toEqual(["digitalArt"]);
  });

  it.skipIf(!c2paAvailable)("no manifest: absent, no score", async () => {
    const out = await createC2paSignal({ trustAnchors: NO_ANCHORS }).run(await decoded(jpeg), ctx);
    expect(codes(out)).toEqual(["c2pa_absent"]);
    expect(out.score).toBeNull();
    expect(out.notApplicable).toBeUndefined();
  });

  it.skipIf(!c2paAvailable)("a remote-only manifest is reported, never fetched", async () => {
    const url = "https://manifests.example.invalid/fixture.c2pa";
    const signed = await signJpeg(jpeg, ca, { digitalSourceType: "trainedAlgorithmicMedia", remoteOnly: url });
    const out = await createC2paSignal({ trustAnchors: ca.anchors }).run(await decoded(signed), ctx);
    // With remote_manifest_fetch off the SDK refuses ("must fetch remote manifests from url …"); with
    // it on, it tries and this unresolvable host surfaces as "could not fetch …" (c2pa_unreadable).
    expect(out.flags).toEqual([{ code: "c2pa_remote_manifest", detail: url }]);
    expect(out.score).toBeNull();
  });

  it.skipIf(!c2paAvailable)("formats the SDK cannot read are not applicable", async () => {
    const out = await createC2paSignal({ trustAnchors: NO_ANCHORS }).run(await decoded(makeBmp({ width: 16, height: 16 })), ctx);
    expect(out).toMatchObject({ score: null, notApplicable: true });
    expect(codes(out)).toEqual(["c2pa_unsupported_format"]);
  });

  it("degrades to not applicable when the SDK cannot load", async () => {
    const signal = createC2paSignal({ loadSdk: async () => ({ ok: false, reason: "simulated: index.node missing" }) });
    const out = await signal.run(await decoded(await makeJpeg({ width: 32, height: 32 })), ctx);
    expect(out).toMatchObject({ score: null, notApplicable: true });
    expect(out.flags).toEqual([{ code: "c2pa_unavailable", detail: "simulated: index.node missing" }]);
  });
});
