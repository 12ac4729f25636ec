// newId: the prefix, the time-ordered head, and random tails that do not repeat across the pool's
// refills (it draws 12 bytes an id from a pool of 256 ids' worth).
import { describe, expect, it } from "vitest";
import { ID_PREFIXES, newId } from "./ids";

describe("newId", () => {
  it("is <prefix>_<10 base-36 time chars><12 base-36 random chars>, sortable by time", async () => {
    const a = newId("case");
    expect(a).toMatch(/^case_[0-9a-z]{22}$/);
    await new Promise((r) => setTimeout(r, 5));
    const b = newId("case");
    expect(a.slice(5, 15) < b.slice(5, 15)).toBe(true);
    expect(newId("request").startsWith(`${ID_PREFIXES.request}_`)).toBe(true);
  });

  it("never repeats a random tail over many refills of the pool, and uses the whole alphabet", () => {
    const tails = new Set<string>();
    const chars = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const tail = newId("event").slice(-12);
      tails.add(tail);
      for (const c of tail) chars.add(c);
    }
    expect(tails.size).toBe(20_000);
    expect(chars.size).toBe(36);
  });
});
