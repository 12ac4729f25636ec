// Vendor hint for non-standard JPEG quantisation tables: lookup in jpeg-vendor-tables.json, built from
// train-split camera JPEGs by cli/fit-vendor-tables.ts.
import { createHash } from "node:crypto";
import vendorJson from "./jpeg-vendor-tables.json";
import type { QuantTable } from "./jpeg-markers";

/** Stable key of a file's tables: ids and values, sorted by id. */
export function tablesKey(tables: QuantTable[]): string {
  const canon = [...tables].sort((a, b) => a.id - b.id).map((t) => `${t.id}:${t.values.join(",")}`).join("|");
  return createHash("sha1").update(canon).digest("hex").slice(0, 16);
}

const known = (vendorJson as { tables: Record<string, { source: string; count: number }[]> }).tables;

/** Makes/software whose files in the reference set used exactly these tables (most frequent first). */
export function vendorsFor(tables: QuantTable[]): { source: string; count: number }[] {
  return known[tablesKey(tables)] ?? [];
}
