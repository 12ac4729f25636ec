import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadTrustAnchors, readerSettings } from "./c2pa-trust";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----";
const dir = mkdtempSync(path.join(tmpdir(), "loupe-trust-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("C2PA trust anchors", () => {
  it("concatenates every certificate of every *.pem file and ignores other files", () => {
    writeFileSync(path.join(dir, "a.pem"), `${CERT}\n${CERT}\n`);
    writeFileSync(path.join(dir, "b.pem"), "not a certificate");
    writeFileSync(path.join(dir, "README.md"), CERT);
    const anchors = loadTrustAnchors(dir);
    expect(anchors).toMatchObject({ certificates: 2, files: ["a.pem"] });
    expect(anchors.warnings).toEqual(["b.pem: no PEM certificate found"]);
    expect(anchors.pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it("returns no anchors and a warning for a missing folder", () => {
    const anchors = loadTrustAnchors(path.join(dir, "nope"));
    expect(anchors.certificates).toBe(0);
    expect(anchors.warnings[0]).toMatch(/trust folder unreadable/);
  });

  it("ships the C2PA Trust List: every certificate parses, is a CA, and chains to its issuer where the issuer is listed", () => {
    const shipped = loadTrustAnchors();
    expect(shipped.warnings).toEqual([]);
    expect(shipped.files).toEqual(["C2PA-TRUST-LIST.pem"]);
    const certs = (shipped.pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));
    expect(certs).toHaveLength(17);
    for (const c of certs) {
      expect(c.ca).toBe(true);
      // No test roots (their private keys are public): see trust/SOURCES.md.
      expect(c.subject).not.toMatch(/test/i);
      const issuer = certs.find((i) => i.subject === c.issuer);
      // Intermediates must verify against the listed root. Root self-signatures are not used for path
      // validation (anchors are trusted by inclusion); SOURCES.md notes the one that does not verify.
      if (issuer && issuer !== c) expect(c.verify(issuer.publicKey)).toBe(true);
    }
  });

  it("reader settings never fetch remote manifests or OCSP, and pass anchors only when there are some", () => {
    const none = JSON.parse(readerSettings({ pem: "", certificates: 0, files: [], warnings: [] }));
    expect(none.verify).toMatchObject({ remote_manifest_fetch: false, ocsp_fetch: false, verify_trust: true });
    expect(none.trust.trust_anchors).toBeUndefined();
    const some = JSON.parse(readerSettings(loadTrustAnchors(dir)));
    expect(some.trust.trust_anchors).toContain("BEGIN CERTIFICATE");
  });
});
