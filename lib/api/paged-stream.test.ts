import { describe, expect, it } from "vitest";
import { pagedTextStream } from "./paged-stream";

describe("pagedTextStream", () => {
  it("writes the header, then each page in order, reading a page only when asked", async () => {
    const asked: (number | null)[] = [];
    const stream = pagedTextStream<number>({
      header: "h\n",
      page: async (cursor) => {
        asked.push(cursor);
        const n = (cursor ?? 0) + 1;
        return { text: `p${n}\n`, next: n < 3 ? n : null };
      },
      onError: () => {},
    });
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe("h\n");
    // Pulls run ahead by the queue's high-water mark (one chunk), never the whole file.
    expect(asked.length).toBeLessThanOrEqual(1);
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += decoder.decode(r.value);
    expect(rest).toBe("p1\np2\np3\n");
    expect(asked).toEqual([null, 1, 2]);
  });

  it("ends with the error when a page fails, after telling onError", async () => {
    const seen: unknown[] = [];
    const stream = pagedTextStream<number>({
      header: "",
      page: async (cursor) => {
        if (cursor === 1) throw new Error("database went away");
        return { text: "first\n", next: 1 };
      },
      onError: (err) => seen.push(err),
    });
    await expect(new Response(stream).text()).rejects.toThrow("database went away");
    expect(seen).toHaveLength(1);
  });
});
