ALTER TABLE "detection_cache" ADD COLUMN "last_used_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
UPDATE "detection_cache" SET "last_used_at" = "created_at";--> statement-breakpoint
CREATE INDEX "detection_cache_last_used_idx" ON "detection_cache" USING btree ("last_used_at");