ALTER TABLE "cases" ADD COLUMN "image_size_bytes" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "duplicate_group" text;--> statement-breakpoint
CREATE INDEX "cases_size_idx" ON "cases" USING btree ("image_size_bytes","created_at","id");--> statement-breakpoint
CREATE INDEX "cases_duplicate_group_idx" ON "cases" USING btree ("duplicate_group","created_at","id");