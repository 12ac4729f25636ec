// Reading a backup archive (lib/backup/format.ts): its manifest first, then its members one by one,
// each hashed as it is read, and the end record that every member read must match. restoreBackup and
// verifyBackup (`loupe restore --check`) share it.
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { BackupError, BLOB_PREFIX, END_NAME, FORMAT, FORMAT_VERSION, loupeTables, MANIFEST_NAME, type EndRecord, type Manifest } from "./format";
import { readTar, TarFormatError, type TarMember } from "./tar";

export interface OpenArchive {
  manifest: Manifest;
  /** The next member, or null at the end of the file; damaged data is a BackupError `archive_damaged`. */
  next(): Promise<TarMember | null>;
  /** Name, size and sha256 of every member read so far but the end record. */
  hashes: EndRecord["members"];
}

export async function openArchive(input: Readable): Promise<OpenArchive> {
  const members = readTar(input)[Symbol.asyncIterator]();
  const hashes: EndRecord["members"] = [];
  const next = async (): Promise<TarMember | null> => {
    const r = await members.next().catch((err: unknown) => {
      // A tar or gzip format error (zlib's codes start with Z_): the file is damaged or cut short.
      const damaged = err instanceof TarFormatError || String((err as { code?: unknown }).code ?? "").startsWith("Z_");
      throw damaged ? new BackupError("archive_damaged", `The backup is damaged: ${(err as Error).message}`) : err;
    });
    if (r.done) return null;
    if (r.value.name !== END_NAME) hashes.push({ name: r.value.name, size: r.value.data.length, sha256: createHash("sha256").update(r.value.data).digest("hex") });
    return r.value;
  };
  const first = await next().catch((err: unknown) => {
    // A file that ends early (a tar cut short, a gzip stream ended) is a damaged backup; anything else
    // unreadable as a first member (another kind of file) is not a backup at all.
    if (err instanceof BackupError && !/not a tar file/.test(err.message)) throw err;
    return null;
  });
  return { manifest: readManifest(first), next, hashes };
}

function readManifest(member: TarMember | null): Manifest {
  let m: Partial<Manifest> | undefined;
  if (member?.name === MANIFEST_NAME) {
    try {
      m = JSON.parse(member.data.toString("utf8")) as Partial<Manifest>;
    } catch {
      m = undefined;
    }
  }
  if (m?.format !== FORMAT || !Array.isArray(m.migrations) || !Array.isArray(m.tables)) {
    throw new BackupError("not_a_backup", `This is not a Loupe backup (a tar file made by \`loupe backup\`, starting with ${MANIFEST_NAME}).`);
  }
  if (typeof m.format_version !== "number" || m.format_version > FORMAT_VERSION) {
    throw new BackupError("not_a_backup", `This backup has format version ${String(m.format_version)}; this Loupe reads up to ${FORMAT_VERSION}. Restore it with the version that made it.`);
  }
  // Only Loupe's own tables and plain column names: nothing in the file may name another table.
  const ours = new Set(loupeTables());
  const stranger = m.tables.find((t) => !ours.has(t?.name) || !Array.isArray(t.columns) || !t.columns.every((c) => typeof c === "string" && /^[a-z_][a-z0-9_]*$/.test(c)));
  if (stranger) throw new BackupError("not_a_backup", `This backup names a table Loupe does not have (${String(stranger?.name)}).`);
  return m as Manifest;
}

/** The end record must list exactly the members read, byte for byte, and the rows loaded. */
function verifyEnd(member: TarMember, read: EndRecord["members"], tables: Record<string, number>): EndRecord {
  let end: EndRecord;
  try {
    end = JSON.parse(member.data.toString("utf8")) as EndRecord;
  } catch {
    throw new BackupError("archive_damaged", `The backup is damaged: ${END_NAME} is not JSON.`);
  }
  const expected = end.members ?? [];
  const bad = read.find((m, i) => m.name !== expected[i]?.name || m.size !== expected[i]?.size || m.sha256 !== expected[i]?.sha256);
  if (bad || expected.length !== read.length) {
    throw new BackupError("archive_damaged", `The backup is damaged: ${bad ? `${bad.name} differs from what was written` : "members are missing"}.`);
  }
  for (const [t, n] of Object.entries(end.tables ?? {})) {
    if ((tables[t] ?? 0) !== n) throw new BackupError("archive_damaged", `The backup is damaged: ${t} has ${tables[t] ?? 0} rows where ${n} were written.`);
  }
  return end;
}

const CONTENT_ADDRESSED = /^images\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})$/;
const ROWS = /^db\/([a-z_][a-z0-9_]*)\/\d+\.jsonl$/;
const rowCount = (n: number) => `${n} row${n === 1 ? "" : "s"}`;

export interface ArchiveHandlers {
  /** One chunk of a table's rows (JSON text, one per line), in archive order. */
  rows(table: string, lines: string[], member: string): Promise<void>;
  /** A blob, its bytes checked against its address when it is an original. */
  blob(key: string, data: Buffer): Promise<void>;
  onProgress?: (line: string) => void;
}

/**
 * Every member after the manifest, handed to `handlers` by kind, and the end record checked against what
 * was read: an unknown member, a table the manifest does not list, an original whose bytes do not match
 * its address, a missing end record or a member that differs from it are all `archive_damaged`.
 */
export async function walkArchive(archive: OpenArchive, handlers: ArchiveHandlers): Promise<{ tables: Record<string, number>; end: EndRecord }> {
  const listed = new Set(archive.manifest.tables.map((t) => t.name));
  const tables: Record<string, number> = Object.fromEntries(archive.manifest.tables.map((t) => [t.name, 0]));
  const progress = handlers.onProgress ?? (() => {});
  let current = "";
  const tableDone = () => {
    if (current) progress(`${current}: ${rowCount(tables[current]!)}`);
    current = "";
  };
  let blobs = 0;
  for (;;) {
    const member = await archive.next();
    if (!member) throw new BackupError("archive_damaged", `The backup is damaged: it ends without ${END_NAME} (cut short?).`);
    if (member.name === END_NAME) {
      tableDone();
      return { tables, end: verifyEnd(member, archive.hashes, tables) };
    }
    const row = ROWS.exec(member.name);
    if (row) {
      const table = row[1]!;
      if (!listed.has(table)) throw new BackupError("archive_damaged", `The backup is damaged: rows for ${table}, a table its manifest does not list.`);
      if (table !== current) tableDone();
      current = table;
      const lines = member.data.toString("utf8").split("\n").filter(Boolean);
      await handlers.rows(table, lines, member.name);
      tables[table]! += lines.length;
    } else if (member.name.startsWith(BLOB_PREFIX)) {
      tableDone();
      const key = member.name.slice(BLOB_PREFIX.length);
      const sha = CONTENT_ADDRESSED.exec(key)?.[1];
      if (sha && createHash("sha256").update(member.data).digest("hex") !== sha) {
        throw new BackupError("archive_damaged", `The backup is damaged: the bytes of ${key} do not match their address.`);
      }
      await handlers.blob(key, member.data);
      if (++blobs % 1000 === 0) progress(`blobs: ${blobs}`);
    } else {
      throw new BackupError("archive_damaged", `The backup is damaged: an unexpected member ${member.name}.`);
    }
  }
}

export interface BackupCheck {
  manifest: Manifest;
  tables: Record<string, number>;
  blobs: { count: number; bytes: number };
}

/** Reads a whole archive and checks it as a restore would, writing nothing (`loupe restore --check`). */
export async function verifyBackup(input: Readable, onProgress?: (line: string) => void): Promise<BackupCheck> {
  const archive = await openArchive(input);
  const blobs = { count: 0, bytes: 0 };
  const { tables } = await walkArchive(archive, {
    onProgress,
    rows: async () => {},
    blob: async (_key, data) => {
      blobs.count++;
      blobs.bytes += data.length;
    },
  });
  return { manifest: archive.manifest, tables, blobs };
}

