// Image lists: who may change them, what an entry holds, and what a scan or a synchronous detection
// does with a match (the same file, a near-duplicate, a hash-only entry, a flat picture), on PGlite
// and PostgreSQL.
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { auditEvents, cases, detections, imageListEntries, imageLists } from "../../db/schema";
import type { Actor } from "../context";
import { makeJpeg } from "../detection/testing";
import { normaliseError } from "../errors";
import { detectImage } from "../detect/detect-image";
import { submitImage } from "../cases/submit-image";
import { listQueue } from "../cases/queue-queries";
import { rescanCase } from "../cases/rescan-case";
import { savePolicy } from "../policies/save-policy";
import { appErrorOf } from "../testing/app-error";
import { useSharedTestDb } from "../testing/shared-test-db";
import { insertTestUser, TEST_DB_KINDS } from "../testing/test-db";
import { startWorker } from "../worker/worker";
import { findListMatches } from "./find-matches";
import { addCaseToList, addFilesToList, addHashesToList, createList, deleteList, parseHashLines, removeListEntry } from "./manage-lists";
import { listEntries, listImageLists } from "./queries";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const flat = (grey: number) => sharp({ create: { width: 96, height: 96, channels: 3, background: { r: grey, g: grey, b: grey } } }).png().toBuffer();

describe("parseHashLines", () => {
  it("takes one sha256 per line, skips blanks and # comments, lowercases, and names a bad line", () => {
    const a = "A".repeat(64);
    expect(parseHashLines(`# from the partner\n\n${a}\r\n ${"b".repeat(64)} \n`)).toEqual(["a".repeat(64), "b".repeat(64)]);
    // As sha256sum writes them (and a list's download does): the hash, two spaces, the file name.
    expect(parseHashLines(`${a}  photo one.jpg\n${"c".repeat(64)} *bin.jpg`)).toEqual(["a".repeat(64), "c".repeat(64)]);
    expect(() => parseHashLines(`${a}x  photo.jpg`)).toThrow(/Line 1 is not a sha256/);
    expect(() => parseHashLines(`${a}\nnot-a-hash`)).toThrow(/Line 2 is not a sha256/);
    expect(() => parseHashLines("\n# nothing\n")).toThrow(/at least one sha256/);
    // The API's array: each item must be a sha256 itself (no comments), named by its index.
    expect(parseHashLines([a])).toEqual(["a".repeat(64)]);
    expect(() => parseHashLines([a, 7])).toThrow(/sha256.1 is not a sha256/);
    expect(() => parseHashLines(["# no"])).toThrow(/sha256.0 is not a sha256/);
    expect(() => parseHashLines([])).toThrow(/Send at least one sha256/);
  });
});

describe.each(TEST_DB_KINDS)("image lists on %s", (kind) => {
  const shared = useSharedTestDb(kind, "admin");
  const db = () => shared.t().db;
  const admin = () => shared.actor();
  let seed = kind === "pglite" ? 7100 : 7600;
  const jpeg = (s: number, quality = 90) => makeJpeg({ width: 192, height: 160, seed: s, quality });
  let n = 0;
  const name = (what: string) => `${what} ${++n}`;
  let moderator: Actor;
  let editor: Actor;
  const users = async () => {
    moderator ??= await insertTestUser(db(), "moderator");
    editor ??= await insertTestUser(db(), "editor");
  };
  const submit = async (bytes: Buffer, policyName?: string) =>
    (await submitImage({ ctx: { db: db(), actor: admin() }, input: { bytes, filename: `f-${n}.jpg`, source: "upload", policyName } })).case.id;
  const drain = async () => {
    const worker = startWorker({ db: db(), concurrency: 1, leaseSeconds: 60, maxAttempts: 2, pollMs: 50, log: () => {} });
    await worker.drain();
    await worker.stop();
  };
  const detectionOf = async (caseId: string) => (await db().select().from(detections).where(eq(detections.caseId, caseId)).orderBy(detections.createdAt)).at(-1)!;
  const stateOf = async (caseId: string) => (await db().select({ state: cases.state }).from(cases).where(eq(cases.id, caseId)))[0]!.state;

  it("lets admins make lists, with unique names, and refuses moderators and editors", async () => {
    await users();
    const listName = name("Known AI");
    const list = await createList({ ctx: { db: db(), actor: admin() }, input: { name: `  ${listName} `, action: "quarantine", description: "From the partner feed" } });
    expect(list).toMatchObject({ name: listName, action: "quarantine", description: "From the partner feed" });
    expect((await appErrorOf(createList({ ctx: { db: db(), actor: admin() }, input: { name: listName, action: "clear" } }))).code).toBe("conflict");
    const blank = normaliseError(await createList({ ctx: { db: db(), actor: admin() }, input: { name: " ", action: "clear" } }).catch((e: unknown) => e));
    expect([blank.code, blank.message]).toEqual(["invalid_request", expect.stringMatching(/Give the list a name/)]);
    expect((await appErrorOf(createList({ ctx: { db: db(), actor: moderator }, input: { name: name("x"), action: "clear" } }))).code).toBe("forbidden");
    expect((await appErrorOf(addHashesToList({ ctx: { db: db(), actor: moderator }, input: { listId: list.id, hashes: "a".repeat(64) } }))).code).toBe("forbidden");
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.targetId, list.id), eq(auditEvents.action, "list.create")));
    expect(audit).toHaveLength(1);
    expect((await listImageLists(db())).find((l) => l.id === list.id)).toMatchObject({ entries: 0, createdByEmail: (admin() as { email: string }).email });
  });

  it("quarantines a later upload of a listed case's image and of its near-duplicate, whatever the score, and says which list decided", async () => {
    await users();
    // A policy that clears everything below 100, so only the list can quarantine.
    const lenient = await savePolicy({ ctx: { db: db(), actor: admin() }, input: { name: `lenient-${kind}-${seed}`, quarantineThreshold: 100, inconclusiveAction: "clear" } });
    const s = seed++;
    const original = await jpeg(s);
    const first = await submit(original, lenient.name);
    await drain();
    expect(await stateOf(first)).toBe("cleared");
    expect((await detectionOf(first)).listMatches).toEqual([]);

    const list = await createList({ ctx: { db: db(), actor: admin() }, input: { name: name("Campaign"), action: "quarantine" } });
    // A moderator adds it from the case page; adding it again changes nothing. Editors may not.
    expect((await appErrorOf(addCaseToList({ ctx: { db: db(), actor: editor }, input: { caseId: first, listId: list.id } }))).code).toBe("forbidden");
    expect(await addCaseToList({ ctx: { db: db(), actor: moderator }, input: { caseId: first, listId: list.id, note: "seen in the feed" } })).toEqual({ added: true, listName: list.name });
    expect(await addCaseToList({ ctx: { db: db(), actor: moderator }, input: { caseId: first, listId: list.id } })).toEqual({ added: false, listName: list.name });
    const [entry] = await listEntries(db(), list.id);
    expect(entry).toMatchObject({ sha256: sha(original), caseId: first, note: "seen in the feed", addedByEmail: (moderator as { email: string }).email, phashInformative: true });
    const added = await db().select().from(auditEvents).where(and(eq(auditEvents.targetId, list.id), eq(auditEvents.action, "list.entries_add")));
    expect(added).toHaveLength(1);
    expect(added[0]!.caseId).toBe(first);
    expect(added[0]!.data).toMatchObject({ via: "case", count: 1, sha256: [sha(original)] });

    const again = await submit(original, lenient.name);
    const recompressed = await jpeg(s, 60);
    expect(sha(recompressed)).not.toBe(sha(original));
    const copy = await submit(recompressed, lenient.name);
    const unrelated = await submit(await jpeg(seed++), lenient.name);
    await drain();

    expect(await stateOf(again)).toBe("quarantined");
    const same = await detectionOf(again);
    expect(same.listMatches).toEqual([{ listId: list.id, listName: list.name, action: "quarantine", entryId: entry!.id, match: "same_file", distance: 0, note: "seen in the feed" }]);
    expect(same.policy).toMatchObject({ outcome: "quarantined", list: { listId: list.id, listName: list.name, action: "quarantine", match: "same_file", distance: 0 } });

    expect(await stateOf(copy)).toBe("quarantined");
    const near = await detectionOf(copy);
    expect(near.listMatches).toHaveLength(1);
    expect(near.listMatches![0]).toMatchObject({ listId: list.id, match: "near_duplicate" });
    expect(near.listMatches![0]!.distance).toBeLessThanOrEqual(6);

    expect(await stateOf(unrelated)).toBe("cleared");
    expect((await detectionOf(unrelated)).listMatches).toEqual([]);

    // The queue's rows say which list decided.
    const rows = (await listQueue(db(), { sort: "newest", limit: 100 })).items;
    const decidedBy = (id: string) => rows.find((r) => r.id === id)?.decidedByList;
    expect(decidedBy(again)).toEqual({ name: list.name, action: "quarantine" });
    expect(decidedBy(copy)).toEqual({ name: list.name, action: "quarantine" });
    expect(decidedBy(unrelated)).toBeNull();

    // The first case was scanned before the list: a rescan applies it.
    await rescanCase({ ctx: { db: db(), actor: moderator }, input: { caseId: first } });
    await drain();
    expect(await stateOf(first)).toBe("quarantined");
  });

  it("clears on a clear list, lets a quarantine list win over it, and records both", async () => {
    const strict = await savePolicy({ ctx: { db: db(), actor: admin() }, input: { name: `strict-${kind}-${seed}`, quarantineThreshold: 1, inconclusiveAction: "quarantine" } });
    const bytes = await jpeg(seed++);
    const allow = await createList({ ctx: { db: db(), actor: admin() }, input: { name: name("Press photos"), action: "clear" } });
    expect(await addFilesToList({ ctx: { db: db(), actor: admin() }, input: { listId: allow.id, files: [{ name: "press.jpg", bytes }] } })).toMatchObject({ added: 1, alreadyListed: 0, refused: [] });
    const cleared = await submit(bytes, strict.name);
    await drain();
    expect(await stateOf(cleared)).toBe("cleared");
    expect((await detectionOf(cleared)).policy).toMatchObject({ outcome: "cleared", list: { listId: allow.id, action: "clear" } });

    const block = await createList({ ctx: { db: db(), actor: admin() }, input: { name: name("Blocked"), action: "quarantine" } });
    expect(await addHashesToList({ ctx: { db: db(), actor: admin() }, input: { listId: block.id, hashes: sha(bytes) } })).toMatchObject({ added: 1, alreadyListed: 0, entries: [{ sha256: sha(bytes), phash: null }] });
    const both = await submit(bytes, strict.name);
    await drain();
    expect(await stateOf(both)).toBe("quarantined");
    const det = await detectionOf(both);
    expect(det.listMatches!.map((m) => m.listId).sort()).toEqual([allow.id, block.id].sort());
    expect(det.policy?.list?.listId).toBe(block.id);
  });

  it("matches a hash-only entry on the same file only, and never near-matches a flat picture", async () => {
    const s = seed++;
    const bytes = await jpeg(s);
    const list = await createList({ ctx: { db: db(), actor: admin() }, input: { name: name("Partner hashes"), action: "quarantine" } });
    await addHashesToList({ ctx: { db: db(), actor: admin() }, input: { listId: list.id, hashes: `# partner\n${sha(bytes).toUpperCase()}\n` } });
    const copy = await jpeg(s, 60);
    const [entry] = await listEntries(db(), list.id);
    expect(entry).toMatchObject({ phash: null, phashInformative: false, filename: "" });
    expect((await findListMatches(db(), { sha256: sha(bytes), phash: entry!.phash, phashInformative: true })).map((m) => m.match)).toEqual(["same_file"]);
    const copyCase = await submit(copy);
    await drain();
    expect((await detectionOf(copyCase)).listMatches).toEqual([]);

    // Two different flat greys hash alike, but a flat hash is not informative: no near-duplicate match.
    const grey = await flat(120);
    const out = await addFilesToList({
      ctx: { db: db(), actor: admin() },
      input: { listId: list.id, files: [{ name: "gr\u0000ey.png", bytes: grey }, { name: "notes.txt", bytes: Buffer.from("not an image") }, { name: "grey-again.png", bytes: grey }] },
    });
    expect(out).toMatchObject({ added: 1, alreadyListed: 1, refused: [{ name: "notes.txt", code: "image_unsupported_format", message: expect.any(String) }] });
    // A file name's control characters are dropped (PostgreSQL text refuses NUL).
    expect(out.entries).toMatchObject([{ sha256: sha(grey), filename: "grey.png", phashInformative: false }]);
    expect((await appErrorOf(addFilesToList({ ctx: { db: db(), actor: admin() }, input: { listId: "lst_missing", files: [{ name: "g.png", bytes: grey }] } }))).code).toBe("not_found");
    const other = await flat(124);
    const flatCase = await submit(other);
    await drain();
    expect((await detectionOf(flatCase)).listMatches).toEqual([]);
  });

  it("answers POST /detect with the list matches and the outcome they give, and forgets a removed entry at once", async () => {
    const s = seed++;
    const bytes = await jpeg(s);
    const ctx = { db: db(), actor: admin() };
    const before = await detectImage({ ctx, input: { image: { bytes } } });
    expect(before.listMatches).toEqual([]);
    const list = await createList({ ctx, input: { name: name("Detect list"), action: "quarantine" } });
    await addFilesToList({ ctx, input: { listId: list.id, files: [{ name: "a.jpg", bytes }] } });
    // A cached report still looks the lists up.
    const after = await detectImage({ ctx, input: { image: { bytes } } });
    expect(after.cached).toBe(true);
    expect(after.listMatches).toMatchObject([{ listId: list.id, match: "same_file" }]);
    expect(after.policy).toMatchObject({ outcome: "quarantined", listId: list.id });
    // A fresh report of a near-duplicate matches through its hash.
    const near = await detectImage({ ctx, input: { image: { bytes: await jpeg(s, 60) } } });
    expect(near.cached).toBe(false);
    expect(near.listMatches).toMatchObject([{ listId: list.id, match: "near_duplicate" }]);
    const [entry] = await listEntries(db(), list.id);
    await removeListEntry({ ctx, input: { entryId: entry!.id } });
    const removed = await detectImage({ ctx, input: { image: { bytes } } });
    expect(removed.listMatches).toEqual([]);
    expect(removed.policy.listId).toBeNull();
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.targetId, list.id), eq(auditEvents.action, "list.entry_remove")));
    expect(audit[0]!.data).toMatchObject({ sha256: sha(bytes), entry: entry!.id });
  });

  it("deletes a list with its entries, audited with how many, and nothing matches it afterwards", async () => {
    const bytes = await jpeg(seed++);
    const ctx = { db: db(), actor: admin() };
    const list = await createList({ ctx, input: { name: name("Short-lived"), action: "clear" } });
    await addFilesToList({ ctx, input: { listId: list.id, files: [{ name: "a.jpg", bytes }] } });
    expect(await deleteList({ ctx, input: { listId: list.id } })).toEqual({ entries: 1 });
    expect(await db().select().from(imageLists).where(eq(imageLists.id, list.id))).toEqual([]);
    expect(await db().select().from(imageListEntries).where(eq(imageListEntries.listId, list.id))).toEqual([]);
    expect(await findListMatches(db(), { sha256: sha(bytes) })).toEqual([]);
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.targetId, list.id), eq(auditEvents.action, "list.delete")));
    expect(audit[0]!.data).toMatchObject({ name: list.name, entries: 1 });
    expect((await appErrorOf(deleteList({ ctx, input: { listId: list.id } }))).code).toBe("not_found");
  });
});
