// Password hashing with scrypt (RFC 7914) from node:crypto, computed in a dedicated thread
// (hash-thread.ts), so a burst of sign-in attempts stalls neither the server's event loop (bcryptjs,
// used before, computed in JavaScript on it) nor libuv's shared thread pool. Hashes written before the switch (bcrypt, "$2…") still verify, and are
// re-hashed with scrypt at the user's next successful sign-in (verify-credentials.ts).
import bcrypt from "bcryptjs";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { scryptInThread } from "./hash-thread";

// OWASP Password Storage Cheat Sheet's scrypt equivalents of N=2^17, r=8, p=1 include N=2^15, r=8,
// p=3: 32 MiB per hash (128·N·r) and about three times N=2^15's work.
const PARAMS = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function scrypt(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return scryptInThread(password.normalize("NFKC"), salt, KEY_BYTES, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 });
}

/** `scrypt$N$r$p$<salt b64>$<key b64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (hash.startsWith("$2")) return bcrypt.compare(password, hash);
  const [scheme, n, r, p, salt, key] = hash.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64");
  const got = await scrypt(password, Buffer.from(salt, "base64"), { N: Number(n), r: Number(r), p: Number(p) });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Whether a stored hash predates the current scheme or parameters (re-hash it at the next sign-in). */
export function needsRehash(hash: string): boolean {
  return !hash.startsWith(`scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$`);
}

/** 20 characters from a 54-symbol alphabet without look-alikes (~115 bits). */
export function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(20);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}
