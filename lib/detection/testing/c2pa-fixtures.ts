// C2PA fixtures for tests: a throw-away CA made with the openssl CLI in a temp dir, and JPEGs signed
// with it through the SDK's Builder + LocalSigner. Nothing here is used at runtime.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { walkJpeg } from "../formats/jpeg-markers";
import type { TrustAnchors } from "../provenance/c2pa-trust";

export interface TestCa {
  caPem: string;
  /** Leaf certificate (end entity) PEM, signed by the CA. */
  leafPem: string;
  leafKeyPem: string;
  anchors: TrustAnchors;
  dispose(): void;
}

// C2PA signer requirements (C2PA spec §14.5.1): end-entity cert, digitalSignature key usage, and an
// EKU from the allowed list (emailProtection is one); the CA must be a CA with keyCertSign.
const OPENSSL_CNF = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = Loupe Test Root CA
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
`;

/** Create a fresh P-256 CA and signer certificate (valid 30 days) in a temp dir. */
export function makeTestCa(name = "Loupe Test"): TestCa {
  const dir = mkdtempSync(path.join(tmpdir(), "loupe-c2pa-ca-"));
  const f = (n: string) => path.join(dir, n);
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  writeFileSync(f("ca.cnf"), OPENSSL_CNF);
  run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f("ca.key")]);
  run(["req", "-x509", "-new", "-key", f("ca.key"), "-sha256", "-days", "30", "-config", f("ca.cnf"),
    "-extensions", "v3_ca", "-subj", `/CN=${name} Root CA/O=Loupe Tests`, "-out", f("ca.pem")]);
  run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f("leaf.key")]);
  run(["req", "-new", "-key", f("leaf.key"), "-subj", `/CN=${name} Signer/O=Loupe Tests`, "-out", f("leaf.csr")]);
  run(["x509", "-req", "-in", f("leaf.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial",
    "-days", "30", "-sha256", "-extfile", f("ca.cnf"), "-extensions", "v3_leaf", "-out", f("leaf.pem")]);
  const caPem = readFileSync(f("ca.pem"), "utf8");
  return {
    caPem,
    leafPem: readFileSync(f("leaf.pem"), "utf8"),
    leafKeyPem: readFileSync(f("leaf.key"), "utf8"),
    anchors: { pem: caPem, certificates: 1, files: ["test-ca.pem"], warnings: [] },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const IPTC_DST = "http://cv.iptc.org/newscodes/digitalsourcetype/";

export interface SignOptions {
  /** IPTC digital source type term for the c2pa.created action, e.g. "trainedAlgorithmicMedia". */
  digitalSourceType?: string;
  softwareAgent?: string;
  claimGenerator?: string;
  /** Do not embed the manifest; only reference it at this URL (XMP dcterms:provenance). */
  remoteOnly?: string;
}

/** Sign a JPEG with the test CA's leaf: one c2pa.created action carrying the given source type. */
export async function signJpeg(jpeg: Buffer, ca: TestCa, opts: SignOptions = {}): Promise<Buffer> {
  const { Builder, LocalSigner } = await import("@contentauth/c2pa-node");
  const action: Record<string, unknown> = { action: "c2pa.created" };
  if (opts.softwareAgent) action.softwareAgent = { name: opts.softwareAgent };
  if (opts.digitalSourceType) action.digitalSourceType = IPTC_DST + opts.digitalSourceType;
  const builder = Builder.withJson({
    claim_generator_info: [{ name: opts.claimGenerator ?? "Loupe test fixture", version: "1.0" }],
    title: "fixture.jpg",
    format: "image/jpeg",
    assertions: [{ label: "c2pa.actions.v2", data: { actions: [action] } }],
  } as never);
  if (opts.remoteOnly) {
    builder.setRemoteUrl(opts.remoteOnly);
    builder.setNoEmbed(true);
  }
  const signer = LocalSigner.newSigner(Buffer.from(ca.leafPem), Buffer.from(ca.leafKeyPem), "es256");
  const out: { buffer: Buffer | null } = { buffer: null };
  builder.sign(signer, { buffer: jpeg, mimeType: "image/jpeg" }, out as never);
  if (!out.buffer) throw new Error("c2pa Builder.sign produced no output");
  return out.buffer;
}

/** Change pixel data after signing: flip bits in the middle of the entropy-coded scan. */
export function tamperJpegPixels(jpeg: Buffer): Buffer {
  const sos = walkJpeg(jpeg).segments.find((s) => s.name === "SOS");
  if (!sos || !sos.entropyLength) throw new Error("no scan to tamper with");
  const out = Buffer.from(jpeg);
  const start = sos.offset + 4 + sos.data.length;
  // Pick a byte whose value and flipped value both avoid 0xFF so the marker structure is untouched.
  for (let i = start + Math.floor(sos.entropyLength / 2); i < start + sos.entropyLength; i++) {
    if (out[i] !== 0xff && out[i]! !== 0x00 && (out[i]! ^ 0x10) !== 0xff && out[i - 1] !== 0xff) {
      out[i] = out[i]! ^ 0x10;
      return out;
    }
  }
  throw new Error("no safe byte to tamper with");
}
