// Every format the uploader advertises goes through the one decoder: accepted at upload, hashed from
// the engine's pixels, scanned by the worker, and shown through a browser-readable display image.
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { cases, detections } from "../../db/schema";
import { ADVERTISED_FORMATS, HEIF_ENC_MISSING, makeJpeg, makeRotatedJpeg } from "../detection/testing";
import { useSharedTestDb } from "../testing/shared-test-db";
import { TEST_DB_KINDS } from "../testing/test-db";
import { startWorker } from "../worker/worker";
import { THUMBNAIL_SIDE } from "../detection";
import { getCaseDisplayImage, getCaseThumbnail } from "./case-media";
import { submitImage } from "./submit-image";

describe.each(TEST_DB_KINDS)("every advertised format on %s", (kind) => {
  const shared = useSharedTestDb(kind);

  // heif-enc makes the HEIC fixture; .ci/run installs it, so under CI every format runs. Elsewhere a
  // format whose encoder is missing is skipped, visibly.
  const missing = ADVERTISED_FORMATS.filter((f) => !f.available());
  if (missing.length) it.skip(`${missing.map((f) => f.format).join(", ")}: ${HEIF_ENC_MISSING}`, () => {});
  it.each(ADVERTISED_FORMATS.filter((f) => f.available()))("$format: accepted, scanned to a verdict, displayed as $displayedAs", async ({ format, make, displayedAs, width, height }) => {
    const bytes = await make();
    const { case: c, image } = await submitImage({ ctx: { db: shared.t().db, actor: shared.actor() }, input: { bytes, filename: `x.${format}`, source: "upload" } });
    expect(image.format).toBe(format);
    expect(image.phash).toMatch(/^[0-9a-f]{16}$/);
    const worker = startWorker({ db: shared.t().db, concurrency: 1, leaseSeconds: 60, maxAttempts: 3, pollMs: 50, detect: undefined, log: () => {} });
    await worker.drain();
    await worker.stop();
    const [row] = await shared.t().db.select().from(cases).where(eq(cases.id, c.id));
    expect({ state: row!.state, error: row!.lastError }).toEqual({ state: expect.stringMatching(/^(quarantined|cleared)$/), error: null });
    expect(await shared.t().db.select().from(detections).where(eq(detections.caseId, c.id))).toHaveLength(1);
    const shown = await getCaseDisplayImage(shared.t().db, c.id);
    expect(shown.mime).toBe(displayedAs);
    if (displayedAs === image.mime) {
      expect(shown.bytes.equals(bytes)).toBe(true); // the original itself
    } else {
      const meta = await sharp(shown.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["webp", width, height]);
    }
    // The queue's thumbnail: a WebP fitting THUMBNAIL_SIDE, in the display's proportions, whatever the format.
    const thumb = await sharp((await getCaseThumbnail(shared.t().db, c.id)).bytes).metadata();
    const fit = Math.min(1, THUMBNAIL_SIDE / Math.max(width, height));
    expect(thumb.format).toBe("webp");
    expect(thumb.width).toBeCloseTo(width * fit, 0);
    expect(thumb.height).toBeCloseTo(height * fit, 0);
  });

  it("an EXIF-rotated JPEG is hashed upright and displayed as is (browsers turn JPEGs themselves)", async () => {
    const upright = await sharp(await makeJpeg({ width: 300, height: 200, seed: 9 })).rotate(90).jpeg({ quality: 90 }).toBuffer();
    const tagged = await makeRotatedJpeg({ width: 300, height: 200, seed: 9, orientation: 6 });
    const a = await submitImage({ ctx: { db: shared.t().db, actor: shared.actor() }, input: { bytes: upright, filename: "upright.jpg", source: "upload" } });
    const b = await submitImage({ ctx: { db: shared.t().db, actor: shared.actor() }, input: { bytes: tagged, filename: "tagged.jpg", source: "upload" } });
    expect(b.image.orientation).toBe(6);
    const distance = [...(BigInt(`0x${a.image.phash}`) ^ BigInt(`0x${b.image.phash}`)).toString(2)].filter((d) => d === "1").length;
    expect(distance).toBeLessThanOrEqual(6);
    expect((await getCaseDisplayImage(shared.t().db, b.case.id)).mime).toBe("image/jpeg");
    // Its thumbnail is turned upright: stored 300×200, shown 200×300 tall, scaled into 160 px.
    const thumb = await sharp((await getCaseThumbnail(shared.t().db, b.case.id)).bytes).metadata();
    expect([thumb.width, thumb.height]).toEqual([107, 160]);
  });
});
