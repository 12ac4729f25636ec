ALTER TABLE "image_list_entries" ADD COLUMN "decision_id" text;--> statement-breakpoint
ALTER TABLE "image_lists" ADD COLUMN "auto_add_outcome" "decision_outcome";--> statement-breakpoint
CREATE INDEX "image_list_entries_auto_case_idx" ON "image_list_entries" USING btree ("case_id") WHERE "image_list_entries"."decision_id" is not null;