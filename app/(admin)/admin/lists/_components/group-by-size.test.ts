import { describe, expect, it } from "vitest";
import { groupBySize } from "./group-by-size";

const sizes = (groups: { size: number }[][]) => groups.map((g) => g.map((i) => i.size));

describe("groupBySize", () => {
  it("fills each group up to the limit, in order, and starts a new one when the next item would overflow it", () => {
    expect(sizes(groupBySize([4, 3, 3, 5, 1, 9, 10].map((size) => ({ size })), 10))).toEqual([[4, 3, 3], [5, 1], [9], [10]]);
  });

  it("gives an item over the limit a group of its own, and nothing for no items", () => {
    expect(sizes(groupBySize([2, 15, 2].map((size) => ({ size })), 10))).toEqual([[2], [15], [2]]);
    expect(groupBySize([], 10)).toEqual([]);
  });
});
