// `loupe retention …`: image retention without a browser (lib/cases/retention.ts). `retention` prints
// each policy that sets one, with the cases due now and those already without their image; `run`
// sweeps now (lib/worker/housekeeping.ts: the images, and unused detection-cache entries), until nothing
// is due, and prints what it removed (refusing to when its blob store is not the server's); `set` sets a policy's days. As the system actor, on the configured database and store.
import { blobStoreHoldsImages, retentionStatus, setRetention } from "../cases/retention";
import { env, paths } from "../env";
import { AppError } from "../errors";
import { sweepStorage } from "../worker/housekeeping";
import { runOperatorCommand, UsageError } from "./operator";

const USAGE = `  loupe retention                               each policy with a retention: name, days, due now, removed (tab-separated)
  loupe retention run                           remove every image that is due now, and detection-cache entries unused for
                                                LOUPE_DETECTION_CACHE_DAYS; prints {"removed", "originals_deleted", "heatmaps_deleted", "cache_entries_evicted"}
  loupe retention set <policy id or name> <days | never>`;

const [sub, ...rest] = process.argv.slice(2);

await runOperatorCommand(USAGE, async (ctx) => {
  if (sub === "help") return void console.log(`usage:\n${USAGE}`);
  if (sub === undefined || sub === "list") {
    for (const r of await retentionStatus(ctx.db)) console.log([r.policy, r.retentionDays, r.due, r.removed].join("\t"));
    return;
  }
  if (sub === "run") {
    if (!(await blobStoreHoldsImages(ctx.db))) {
      throw new AppError(
        "invalid_request",
        `the blob store this command opened (${env.BLOB_STORE === "s3" ? `S3 bucket ${env.S3_BUCKET}` : paths.blobs}) does not hold the newest case's image; run it with the server's DATA_DIR (or BLOB_DIR) and BLOB_STORE settings. Nothing was removed.`,
      );
    }
    const total = { removed: 0, originals_deleted: 0, heatmaps_deleted: 0, cache_entries_evicted: 0 };
    for (;;) {
      const { retention: r, cache } = await sweepStorage(ctx.db);
      total.removed += r.removed;
      total.originals_deleted += r.originalsDeleted;
      total.heatmaps_deleted += r.heatmapsDeleted + cache.heatmaps;
      total.cache_entries_evicted += cache.entries;
      // A sweep that removed nothing while more is due means other sweeps hold those cases.
      if (!r.more || r.removed === 0) break;
    }
    console.log(JSON.stringify(total));
    return;
  }
  if (sub === "set") {
    const [policy, days] = rest;
    if (!policy || days === undefined || rest.length > 2) throw new UsageError("retention set: a policy and a number of days (or never)");
    if (days !== "never" && !/^\d+$/.test(days)) throw new UsageError("retention set: days, a whole number, or never");
    const row = await setRetention({ ctx, input: { policy, days: days === "never" ? null : Number(days) } });
    console.log([row.name, row.retentionDays ?? "never"].join("\t"));
    return;
  }
  throw new UsageError(`retention: unknown command ${sub}`);
});
