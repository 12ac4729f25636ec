import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, real, smallint, text, timestamp } from "drizzle-orm/pg-core";
import { apiKeys } from "./api-keys";
import { caseSourceEnum, caseStateEnum, verdictEnum } from "./enums";
import { images } from "./images";
import { policies } from "./policies";
import { users } from "./users";

export const cases = pgTable(
  "cases",
  {
    id: text("id").primaryKey(),
    imageId: text("image_id").notNull().references(() => images.id),
    source: caseSourceEnum("source").notNull(),
    submitterId: text("submitter_id").references(() => users.id),
    apiKeyId: text("api_key_id").references(() => apiKeys.id),
    filename: text("filename").notNull().default(""),
    /**
     * The image's size in bytes (images.size_bytes), copied here when the case is created
     * (lib/cases/submit-image.ts) so the queue's size sort pages through cases_size_idx instead of
     * sorting the join of every case with its image. Image bytes never change, so the copy cannot go stale.
     */
    imageSizeBytes: integer("image_size_bytes").notNull(),
    /**
     * The duplicate group: cases of the same bytes, or of near-duplicate images (dHash within
     * NEAR_DUPLICATE_MAX_DISTANCE, lib/cases/related-cases.ts), share it. Set when the case is created
     * (lib/cases/duplicate-group.ts) to the oldest group it matches, merging the others into it, or to
     * this case's own image id; the queue's "group duplicates" view collapses a group to one row
     * (lib/cases/queue-queries.ts).
     */
    duplicateGroup: text("duplicate_group").notNull(),
    /**
     * False only while no other case (deleted ones included) shares this case's duplicate group:
     * assignDuplicateGroup sets it, and sets it true on the group's cases once a second one joins; it
     * never goes back. The grouped queue's counts count such cases one group each and take distinct
     * groups only among the shared ones. True, the safe value, by default.
     */
    duplicateGroupShared: boolean("duplicate_group_shared").notNull().default(true),
    /** Caller-supplied reference (e.g. the upload id in the caller's system). */
    externalRef: text("external_ref"),
    state: caseStateEnum("state").notNull().default("pending_scan"),
    verdict: verdictEnum("verdict"),
    score: real("score"),
    confidence: real("confidence"),
    policyId: text("policy_id").notNull().references(() => policies.id),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    /** 1 for the first scan; a rescan adds one and starts its attempts from 0 again. */
    scan: integer("scan").notNull().default(1),
    /** Attempts within the current scan (claims), for retry backoff and LOUPE_MAX_ATTEMPTS. */
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    scannedAt: timestamp("scanned_at", { withTimezone: true }),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    /** The moderator reviewing this case now (lib/cases/claim-case.ts); free again once the claim expires. */
    claimedBy: text("claimed_by").references(() => users.id),
    claimExpiresAt: timestamp("claim_expires_at", { withTimezone: true }),
    /**
     * Set by DELETE /api/v1/cases/{id} (lib/cases/delete-case.ts): the image bytes, heatmaps and
     * derivatives are gone and every read answers 404; the row stays for the audit trail.
     */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    /**
     * Set when the case's policy's retention removed its image (lib/cases/retention.ts): the original's
     * bytes (unless another case still needs them), the display derivative and the heatmaps are gone;
     * the case, its scores, hashes and decisions stay and every read still finds it. The image and
     * heatmap routes answer 410 `image_removed`.
     */
    imageRemovedAt: timestamp("image_removed_at", { withTimezone: true }),
    /**
     * How urgently the case needs a person, 0 first (the queue's default "risk" order): quarantined;
     * manual review or an inconclusive verdict that was cleared; cleared with a high score; not yet
     * scanned; cleared; reviewed. Stored and derived by PostgreSQL so the queue can page through it
     * with an index (cases_risk_idx) instead of sorting every row.
     */
    riskBand: smallint("risk_band")
      .notNull()
      .generatedAlwaysAs(
        sql`case when state = 'quarantined' then 0 when state = 'manual_review' or (state = 'cleared' and verdict = 'inconclusive') then 1 when state = 'cleared' and score >= 50 then 2 when state in ('pending_scan', 'scanning', 'retry_pending') then 3 when state = 'cleared' then 4 else 5 end`,
      ),
  },
  (t) => [
    // The queue page filters by state and sorts by age; the worker's claim query scans
    // claimable states ordered by created_at.
    index("cases_state_created_idx").on(t.state, t.createdAt),
    // Expired-lease recovery looks up scanning cases by lease expiry.
    index("cases_lease_idx").on(t.leaseExpiresAt),
    index("cases_image_idx").on(t.imageId),
    // "Which case does this moderator hold?" on every claim.
    index("cases_claimed_by_idx").on(t.claimedBy),
    // GET /api/v1/cases?external_ref=… looks cases up by the caller's reference.
    index("cases_external_ref_idx").on(t.externalRef),
    // Queue sort orders (lib/cases/queue-queries.ts): each is the sort key, then created_at and id as
    // tie-breakers, matching the keyset cursor, so a page is an index range scan.
    index("cases_risk_idx").on(t.riskBand, t.createdAt, t.id),
    index("cases_created_id_idx").on(t.createdAt, t.id),
    index("cases_score_idx").on(sql`coalesce(${t.score}, -1)`, t.createdAt, t.id),
    index("cases_size_idx").on(t.imageSizeBytes, t.createdAt, t.id),
    // The grouped queue looks up a row's group members (an earlier-ranked member hides the row).
    index("cases_duplicate_group_idx").on(t.duplicateGroup, t.createdAt, t.id),
    // Queue filter by submitter, and search by file name or external ref (case-insensitive prefix).
    index("cases_submitter_idx").on(t.submitterId, t.createdAt),
    index("cases_filename_prefix_idx").using("btree", sql`lower(${t.filename}) text_pattern_ops`),
    index("cases_external_ref_prefix_idx").using("btree", sql`lower(${t.externalRef}) text_pattern_ops`),
    // The retention sweep: per policy, settled cases (cleared, or reviewed) that still hold their image,
    // oldest settlement first. Removed, deleted and unsettled cases are not in it.
    index("cases_retention_idx")
      .on(t.policyId, sql`coalesce(${t.reviewedAt}, ${t.scannedAt})`)
      .where(sql`${t.imageRemovedAt} is null and ${t.deletedAt} is null and ${t.state} in ('cleared', 'reviewed')`),
  ],
);

export type Case = typeof cases.$inferSelect;
export type CaseState = Case["state"];
