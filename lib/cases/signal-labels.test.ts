import { describe, expect, it } from "vitest";
import { signals } from "../detection";
import { SIGNAL_LABELS, signalPresentation } from "./signal-labels";

describe("signal labels", () => {
  it("labels every signal the engine runs, and nothing else", () => {
    expect(Object.keys(SIGNAL_LABELS).sort()).toEqual(signals.map((s) => s.id).sort());
  });

  it("gives every signal with a map a legend", () => {
    for (const [id, p] of Object.entries(SIGNAL_LABELS)) {
      if (p.map !== "none") expect(p.legend, id).toBeDefined();
      expect(p.label).not.toBe(id);
    }
  });

  it("keeps the frequency spectrum off the photo", () => {
    expect(SIGNAL_LABELS.frequency.map).toBe("chart");
    expect(signalPresentation("unknown").map).toBe("none");
  });
});
