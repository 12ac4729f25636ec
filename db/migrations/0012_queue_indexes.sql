DROP INDEX "decisions_case_idx";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "risk_band" smallint GENERATED ALWAYS AS (case when state = 'quarantined' then 0 when state = 'manual_review' or (state = 'cleared' and verdict = 'inconclusive') then 1 when state = 'cleared' and score >= 50 then 2 when state in ('pending_scan', 'scanning', 'retry_pending') then 3 when state = 'cleared' then 4 else 5 end) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "images_sha256_prefix_idx" ON "images" USING btree ("sha256" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "cases_risk_idx" ON "cases" USING btree ("risk_band","created_at","id");--> statement-breakpoint
CREATE INDEX "cases_created_id_idx" ON "cases" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "cases_score_idx" ON "cases" USING btree (coalesce("score", -1),"created_at","id");--> statement-breakpoint
CREATE INDEX "cases_submitter_idx" ON "cases" USING btree ("submitter_id","created_at");--> statement-breakpoint
CREATE INDEX "cases_filename_prefix_idx" ON "cases" USING btree (lower("filename") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "cases_external_ref_prefix_idx" ON "cases" USING btree (lower("external_ref") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "decisions_case_created_idx" ON "decisions" USING btree ("case_id","created_at");