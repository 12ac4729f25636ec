// Minimal XMP reader: values of a property by local name, whatever prefix the writer bound to its
// namespace. XMP allows a property as an attribute (simple form) or as an element, possibly wrapping
// rdf:Alt/Seq/Bag lists; we return the text of each. Not a full RDF parser on purpose: metadata
// writers are inconsistent and a tolerant scan finds more than a strict parser rejects.

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? "";
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** All values of properties named `localName` (case-sensitive, any prefix) across the packets. */
export function xmpValues(packets: string[], localName: string): string[] {
  const name = escapeRe(localName);
  const attr = new RegExp(`\\s[\\w.-]+:${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "g");
  const elem = new RegExp(`<([\\w.-]+:${name})(?:\\s[^>]*)?>([\\s\\S]*?)</\\1>`, "g");
  const out: string[] = [];
  for (const p of packets) {
    for (const m of p.matchAll(attr)) out.push(decodeEntities(m[1] ?? m[2] ?? ""));
    for (const m of p.matchAll(elem)) {
      const inner = m[2] ?? "";
      const items = [...inner.matchAll(/<rdf:li(?:\s[^>]*)?>([\s\S]*?)<\/rdf:li>/g)].map((x) => x[1] ?? "");
      for (const v of items.length ? items : [inner]) {
        const text = decodeEntities(v.replace(/<[^>]+>/g, "")).trim();
        if (text) out.push(text);
      }
    }
  }
  return out.map((v) => v.trim()).filter(Boolean);
}
