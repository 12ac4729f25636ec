// The examples of /docs/api, one entry per operation of the OpenAPI document (lib/api/openapi.ts):
// app/docs/api/examples.test.ts fails when an operation has no example, or an example no operation.
export interface Example {
  /** "POST /api/v1/detect", as in the document. */
  operation: string;
  curl: string;
  ts: string;
  python: string;
}

const H = `-H "Authorization: Bearer $LOUPE_KEY"`;
const PY = `import os, requests
BASE = os.environ["LOUPE_URL"]
AUTH = {"Authorization": f"Bearer {os.environ['LOUPE_KEY']}"}`;
const TS = `import { readFile } from "node:fs/promises";
import { createLoupeClient } from "./lib/client";
const loupe = createLoupeClient({ baseUrl: process.env.LOUPE_URL!, apiKey: process.env.LOUPE_KEY! });`;

export const EXAMPLES: Example[] = [
  {
    operation: "POST /api/v1/detect",
    curl: `curl ${H} -F image=@photo.jpg "$LOUPE_URL/api/v1/detect?include_heatmaps=urls"
# raw bytes, a subset of signals, nothing stored:
curl ${H} -H "content-type: image/jpeg" --data-binary @photo.jpg \\
  "$LOUPE_URL/api/v1/detect?signals=c2pa,ml&retention=none"
# a URL the server fetches (public addresses only):
curl ${H} -H "content-type: application/json" \\
  -d '{"image_url":"https://example.com/a.jpg","metadata":{"post":"p-1"}}' "$LOUPE_URL/api/v1/detect"`,
    ts: `${TS}

const result = await loupe.detect(await readFile("photo.jpg"), { include_heatmaps: "urls" });
console.log(result.verdict, result.score, result.is_ai, result.reasons[0]);
const fromUrl = await loupe.detect({ url: "https://example.com/a.jpg" }, { metadata: { post: "p-1" } });`,
    python: `${PY}

with open("photo.jpg", "rb") as f:
    r = requests.post(f"{BASE}/api/v1/detect", headers=AUTH,
                      files={"image": f}, params={"include_heatmaps": "urls"})
r.raise_for_status()
result = r.json()
print(result["verdict"], result["score"], result["is_ai"])`,
  },
  {
    operation: "POST /api/v1/detect/batch",
    curl: `curl ${H} -F image=@a.jpg -F image=@b.png "$LOUPE_URL/api/v1/detect/batch"
curl ${H} -H "content-type: application/json" \\
  -d '{"items":[{"image_url":"https://example.com/a.jpg"},{"image_url":"https://example.com/b.png"}]}' \\
  "$LOUPE_URL/api/v1/detect/batch"`,
    ts: `${TS}
const batch = await loupe.detectBatch([{ url: "https://example.com/a.jpg" }, { url: "https://example.com/b.png" }]);
for (const item of batch.data) {
  if ("result" in item) console.log(item.index, item.result.verdict);
  else console.log(item.index, item.error.code);
}`,
    python: `${PY}

files = [("image", open(p, "rb")) for p in ["a.jpg", "b.png"]]
batch = requests.post(f"{BASE}/api/v1/detect/batch", headers=AUTH, files=files).json()
for item in batch["data"]:
    print(item["index"], item.get("result", {}).get("verdict") or item["error"]["code"])`,
  },
  {
    operation: "POST /api/v1/detect/async",
    curl: `curl ${H} -F image=@photo.jpg -F 'metadata={"upload":"u-77"}' \\
  -F webhook_url=https://example.org/loupe-hook "$LOUPE_URL/api/v1/detect/async"`,
    ts: `${TS}
const job = await loupe.detectAsync(await readFile("photo.jpg"), { webhook_url: "https://example.org/loupe-hook", metadata: { upload: "u-77" } });
// job.webhook?.secret verifies the deliveries: store it now, it is shown once.`,
    python: `${PY}

with open("photo.jpg", "rb") as f:
    job = requests.post(f"{BASE}/api/v1/detect/async", headers=AUTH, files={"image": f},
                        data={"webhook_url": "https://example.org/loupe-hook"}).json()
secret = job["webhook"]["secret"]  # shown once`,
  },
  {
    operation: "GET /api/v1/jobs/{id}",
    curl: `curl ${H} "$LOUPE_URL/api/v1/jobs/job_…"`,
    ts: `${TS}
let job = await loupe.getJob(id);
while (job.status === "queued" || job.status === "running") {
  await new Promise((r) => setTimeout(r, 1000));
  job = await loupe.getJob(id);
}
if (job.status === "completed") console.log(job.result?.detection.verdict);`,
    python: `${PY}
import time

job = requests.get(f"{BASE}/api/v1/jobs/{job_id}", headers=AUTH).json()
while job["status"] in ("queued", "running"):
    time.sleep(1)
    job = requests.get(f"{BASE}/api/v1/jobs/{job_id}", headers=AUTH).json()`,
  },
  {
    operation: "POST /api/v1/forensics",
    curl: `curl ${H} -F image=@photo.jpg "$LOUPE_URL/api/v1/forensics"`,
    ts: `${TS}
const { maps } = await loupe.forensics(await readFile("photo.jpg"));
console.log(maps.ela?.summary, maps.ela?.heatmap?.data_url.length);`,
    python: `${PY}

with open("photo.jpg", "rb") as f:
    maps = requests.post(f"{BASE}/api/v1/forensics", headers=AUTH, files={"image": f}).json()["maps"]`,
  },
  {
    operation: "POST /api/v1/c2pa/verify",
    curl: `curl ${H} -H "content-type: image/jpeg" --data-binary @signed.jpg "$LOUPE_URL/api/v1/c2pa/verify"`,
    ts: `${TS}
const { c2pa } = await loupe.verifyC2pa(await readFile("signed.jpg"));
console.log(c2pa.validation_state, c2pa.ai_declared, c2pa.signer?.common_name);`,
    python: `${PY}

with open("signed.jpg", "rb") as f:
    c2pa = requests.post(f"{BASE}/api/v1/c2pa/verify", headers={**AUTH, "content-type": "image/jpeg"},
                         data=f.read()).json()["c2pa"]`,
  },
  {
    operation: "GET /api/v1/detections/{id}/heatmaps/{signal}",
    curl: `curl ${H} -o ela.png "$LOUPE_URL/api/v1/detections/…/heatmaps/ela"   # the url from include_heatmaps=urls`,
    ts: `${TS}
const result = await loupe.detect(bytes, { include_heatmaps: "urls" });
const png = await fetch(new URL(result.heatmaps!.ela!.url!, process.env.LOUPE_URL), { headers: { authorization: \`Bearer \${process.env.LOUPE_KEY}\` } });`,
    python: `${PY}

png = requests.get(BASE + result["heatmaps"]["ela"]["url"], headers=AUTH).content`,
  },
  {
    operation: "GET /api/v1/cases",
    curl: `curl ${H} "$LOUPE_URL/api/v1/cases?state=quarantined,manual_review&limit=50"
curl ${H} "$LOUPE_URL/api/v1/cases?external_ref=upload-123"`,
    ts: `${TS}
let cursor: string | undefined;
do {
  const page = await loupe.listCases({ state: ["quarantined", "manual_review"], cursor });
  for (const c of page.data) console.log(c.id, c.state, c.score);
  cursor = page.next_cursor ?? undefined;
} while (cursor);`,
    python: `${PY}

params = {"state": "quarantined,manual_review"}
while True:
    page = requests.get(f"{BASE}/api/v1/cases", headers=AUTH, params=params).json()
    for c in page["data"]:
        print(c["id"], c["state"])
    if not page["next_cursor"]:
        break
    params["cursor"] = page["next_cursor"]`,
  },
  {
    operation: "GET /api/v1/cases/export",
    curl: `curl ${H} -o quarantined.csv "$LOUPE_URL/api/v1/cases/export?state=quarantined&from=2026-12-01"
curl ${H} "$LOUPE_URL/api/v1/cases/export?format=jsonl&decision=confirmed_ai" > confirmed.jsonl`,
    ts: `${TS}
// Streamed and parsed as JSON Lines, one case at a time.
for await (const c of loupe.exportedCases({ decision: "confirmed_ai", from: "2026-12-01" })) {
  console.log(c.case_id, c.score, c.decided_by, c.decision_note);
}
// Or the CSV file as it comes.
const csv = await (await loupe.exportCases({ state: "quarantined" })).text();`,
    python: `${PY}
import json

with requests.get(f"{BASE}/api/v1/cases/export", headers=AUTH, stream=True,
                  params={"format": "jsonl", "decision": "confirmed_ai"}) as r:
    r.raise_for_status()
    for line in r.iter_lines():
        c = json.loads(line)
        print(c["case_id"], c["score"], c["decided_by"])`,
  },
  {
    operation: "POST /api/v1/cases",
    curl: `curl ${H} -F file=@photo.jpg -F external_ref=upload-123 "$LOUPE_URL/api/v1/cases"`,
    ts: `${TS}
const created = await loupe.createCase(await readFile("photo.jpg"), { external_ref: "upload-123" });
console.log(created.id, created.state, created.deduplicated);`,
    python: `${PY}

with open("photo.jpg", "rb") as f:
    case = requests.post(f"{BASE}/api/v1/cases", headers={**AUTH, "Idempotency-Key": "upload-123"},
                         files={"file": f}, data={"external_ref": "upload-123"}).json()`,
  },
  {
    operation: "GET /api/v1/cases/{id}",
    curl: `curl ${H} "$LOUPE_URL/api/v1/cases/case_…"`,
    ts: `${TS}
const c = await loupe.getCase("case_…");
console.log(c.state, c.detection?.verdict, c.decisions.at(-1)?.outcome);`,
    python: `${PY}

case = requests.get(f"{BASE}/api/v1/cases/{case_id}", headers=AUTH).json()`,
  },
  {
    operation: "DELETE /api/v1/cases/{id}",
    curl: `curl ${H} -X DELETE "$LOUPE_URL/api/v1/cases/case_…"`,
    ts: `${TS}
const { deleted_at } = await loupe.deleteCase("case_…");`,
    python: `${PY}

requests.delete(f"{BASE}/api/v1/cases/{case_id}", headers=AUTH).raise_for_status()`,
  },
  {
    operation: "GET /api/v1/cases/{id}/image",
    curl: `curl ${H} -o original.jpg "$LOUPE_URL/api/v1/cases/case_…/image"
curl ${H} -o display.webp "$LOUPE_URL/api/v1/cases/case_…/image?variant=display"
curl ${H} -o thumbnail.webp "$LOUPE_URL/api/v1/cases/case_…/image?variant=thumbnail"`,
    ts: `const res = await fetch(\`\${process.env.LOUPE_URL}/api/v1/cases/\${id}/image\`, { headers: { authorization: \`Bearer \${process.env.LOUPE_KEY}\` } });
const bytes = new Uint8Array(await res.arrayBuffer());`,
    python: `${PY}

original = requests.get(f"{BASE}/api/v1/cases/{case_id}/image", headers=AUTH).content`,
  },
  {
    operation: "GET /api/v1/cases/{id}/heatmaps/{signal}",
    curl: `curl ${H} -o ela.png "$LOUPE_URL/api/v1/cases/case_…/heatmaps/ela"`,
    ts: `const res = await fetch(\`\${process.env.LOUPE_URL}/api/v1/cases/\${id}/heatmaps/ela\`, { headers: { authorization: \`Bearer \${process.env.LOUPE_KEY}\` } });`,
    python: `${PY}

png = requests.get(f"{BASE}/api/v1/cases/{case_id}/heatmaps/ela", headers=AUTH).content`,
  },
  {
    operation: "POST /api/v1/cases/{id}/decision",
    curl: `curl ${H} -H "content-type: application/json" \\
  -d '{"outcome":"confirmed_ai","note":"Generator artefacts in the ELA map"}' "$LOUPE_URL/api/v1/cases/case_…/decision"`,
    ts: `${TS}
await loupe.decide("case_…", { outcome: "confirmed_ai", note: "Generator artefacts in the ELA map" });`,
    python: `${PY}

requests.post(f"{BASE}/api/v1/cases/{case_id}/decision", headers=AUTH,
              json={"outcome": "authentic", "note": "Camera original"}).raise_for_status()`,
  },
  {
    operation: "POST /api/v1/cases/{id}/notes",
    curl: `curl ${H} -H "content-type: application/json" \\
  -d '{"body":"The uploader says it came from a phone; asked for the original"}' "$LOUPE_URL/api/v1/cases/case_…/notes"`,
    ts: `${TS}
const note = await loupe.addCaseNote("case_…", "The uploader says it came from a phone; asked for the original");
console.log(note.id, note.created_at);`,
    python: `${PY}

requests.post(f"{BASE}/api/v1/cases/{case_id}/notes", headers=AUTH,
              json={"body": "Asked the uploader for the original"}).raise_for_status()`,
  },
  {
    operation: "GET /api/v1/cases/{id}/report",
    curl: `curl ${H} "$LOUPE_URL/api/v1/cases/case_…/report"`,
    ts: `${TS}
const report = await loupe.caseReport("case_…");
console.log(report.verdict_sentence);`,
    python: `${PY}

report = requests.get(f"{BASE}/api/v1/cases/{case_id}/report", headers=AUTH).json()`,
  },
  {
    operation: "GET /api/v1/events",
    curl: `curl -N ${H} "$LOUPE_URL/api/v1/events"`,
    ts: `// Server-sent events: any SSE reader works; in Node read the stream.
const res = await fetch(\`\${process.env.LOUPE_URL}/api/v1/events\`, { headers: { authorization: \`Bearer \${process.env.LOUPE_KEY}\` } });
for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) process.stdout.write(chunk);`,
    python: `${PY}

with requests.get(f"{BASE}/api/v1/events", headers=AUTH, stream=True) as r:
    for line in r.iter_lines(decode_unicode=True):
        if line.startswith("data: "):
            print(line[6:])`,
  },
  {
    operation: "GET /api/v1/lists",
    curl: `curl ${H} "$LOUPE_URL/api/v1/lists"`,
    ts: `${TS}
const { data } = await loupe.listImageLists();
for (const l of data) console.log(l.name, l.action, l.entries);`,
    python: `${PY}

lists = requests.get(f"{BASE}/api/v1/lists", headers=AUTH).json()["data"]`,
  },
  {
    operation: "POST /api/v1/lists",
    curl: `curl ${H} -H "content-type: application/json" \\
  -d '{"name":"Known AI: campaign 7","action":"quarantine","description":"From the partner feed"}' "$LOUPE_URL/api/v1/lists"`,
    ts: `${TS}
const list = await loupe.createImageList({ name: "Known AI: campaign 7", action: "quarantine" });`,
    python: `${PY}

lst = requests.post(f"{BASE}/api/v1/lists", headers=AUTH,
                    json={"name": "Press photos", "action": "clear"}).json()`,
  },
  {
    operation: "GET /api/v1/lists/{id}",
    curl: `curl ${H} "$LOUPE_URL/api/v1/lists/lst_…"`,
    ts: `${TS}
const { entries } = await loupe.getImageList("lst_…");`,
    python: `${PY}

lst = requests.get(f"{BASE}/api/v1/lists/{list_id}", headers=AUTH).json()`,
  },
  {
    operation: "PATCH /api/v1/lists/{id}",
    curl: `curl ${H} -X PATCH -H "content-type: application/json" \\
  -d '{"auto_add_outcome": "confirmed_ai"}' "$LOUPE_URL/api/v1/lists/lst_…"`,
    ts: `${TS}
// From now on, every image a moderator decides "confirmed AI" joins the list (and leaves it on an undo or amendment).
const list = await loupe.updateImageList("lst_…", { auto_add_outcome: "confirmed_ai" });`,
    python: `${PY}

requests.patch(f"{BASE}/api/v1/lists/{list_id}", headers=AUTH,
               json={"auto_add_outcome": None}).raise_for_status()  # off again`,
  },
  {
    operation: "DELETE /api/v1/lists/{id}",
    curl: `curl ${H} -X DELETE "$LOUPE_URL/api/v1/lists/lst_…"`,
    ts: `${TS}
const { entries } = await loupe.deleteImageList("lst_…");`,
    python: `${PY}

requests.delete(f"{BASE}/api/v1/lists/{list_id}", headers=AUTH).raise_for_status()`,
  },
  {
    operation: "GET /api/v1/lists/{id}/export",
    curl: `curl ${H} -o known-ai.sha256 "$LOUPE_URL/api/v1/lists/lst_…/export"
curl ${H} -o known-ai.csv "$LOUPE_URL/api/v1/lists/lst_…/export?format=csv"`,
    ts: `${TS}
import { writeFile } from "node:fs/promises";

const res = await loupe.exportImageList("lst_…", "sha256");
await writeFile("known-ai.sha256", await res.text());`,
    python: `${PY}

r = requests.get(f"{BASE}/api/v1/lists/{list_id}/export", headers=AUTH, params={"format": "csv"})
r.raise_for_status()
open("known-ai.csv", "wb").write(r.content)`,
  },
  {
    operation: "GET /api/v1/lists/{id}/entries",
    curl: `curl ${H} "$LOUPE_URL/api/v1/lists/lst_…/entries?limit=1000"`,
    ts: `${TS}
let cursor: string | undefined;
do {
  const page = await loupe.listImageListEntries("lst_…", { limit: 1000, cursor });
  for (const e of page.data) console.log(e.sha256, e.note);
  cursor = page.next_cursor ?? undefined;
} while (cursor);`,
    python: `${PY}

page = requests.get(f"{BASE}/api/v1/lists/{list_id}/entries", headers=AUTH, params={"limit": 1000}).json()`,
  },
  {
    operation: "POST /api/v1/lists/{id}/entries",
    curl: `# images, kept as their hashes (re-encoded copies match too):
curl ${H} -F image=@a.jpg -F image=@b.png -F note="partner feed" "$LOUPE_URL/api/v1/lists/lst_…/entries"
# bare sha256 hashes (the same file only):
curl ${H} -H "content-type: application/json" -d '{"sha256":["9f86d081884c7d65…"]}' "$LOUPE_URL/api/v1/lists/lst_…/entries"`,
    ts: `${TS}
const added = await loupe.addImageListEntries("lst_…", { images: [await readFile("a.jpg")], note: "partner feed" });
console.log(added.added, added.already_listed, added.refused);
await loupe.addImageListEntries("lst_…", { sha256: ["9f86d081884c7d65…"] });`,
    python: `${PY}

with open("a.jpg", "rb") as f:
    added = requests.post(f"{BASE}/api/v1/lists/{list_id}/entries", headers=AUTH,
                          files=[("image", f)], data={"note": "partner feed"}).json()
requests.post(f"{BASE}/api/v1/lists/{list_id}/entries", headers=AUTH, json={"sha256": hashes})`,
  },
  {
    operation: "DELETE /api/v1/lists/{id}/entries/{entryId}",
    curl: `curl ${H} -X DELETE "$LOUPE_URL/api/v1/lists/lst_…/entries/lse_…"`,
    ts: `${TS}
await loupe.deleteImageListEntry("lst_…", "lse_…");`,
    python: `${PY}

requests.delete(f"{BASE}/api/v1/lists/{list_id}/entries/{entry_id}", headers=AUTH).raise_for_status()`,
  },
  {
    operation: "GET /api/v1/usage",
    curl: `curl ${H} "$LOUPE_URL/api/v1/usage?from=2026-12-01"`,
    ts: `${TS}
const { data } = await loupe.usage();
for (const k of data) console.log(k.key.name, k.month.images, "of", k.monthly_image_quota);`,
    python: `${PY}

usage = requests.get(f"{BASE}/api/v1/usage", headers=AUTH).json()`,
  },
  {
    operation: "GET /api/v1/health",
    curl: `curl "$LOUPE_URL/api/v1/health"`,
    ts: `${TS}
const health = await loupe.health();`,
    python: `import requests
print(requests.get("http://localhost:3000/api/v1/health").json()["status"])`,
  },
  {
    operation: "GET /api/v1/openapi.json",
    curl: `curl "$LOUPE_URL/api/v1/openapi.json"`,
    ts: `const doc = await (await fetch(\`\${process.env.LOUPE_URL}/api/v1/openapi.json\`)).json();`,
    python: `import requests
doc = requests.get("http://localhost:3000/api/v1/openapi.json").json()`,
  },
];

export const WEBHOOK_TS = `import { createHmac, timingSafeEqual } from "node:crypto";

export function verifyLoupeSignature(secret: string, header: string, rawBody: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(\`\${t}.\${rawBody}\`).digest();
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}`;

export const WEBHOOK_PY = `import hashlib, hmac, time

def verify_loupe_signature(secret: str, header: str, raw_body: bytes, tolerance: int = 300) -> bool:
    parts = dict(p.strip().split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - t) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))`;
