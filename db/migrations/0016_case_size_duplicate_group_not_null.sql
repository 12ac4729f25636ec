ALTER TABLE "cases" ALTER COLUMN "image_size_bytes" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ALTER COLUMN "duplicate_group" SET NOT NULL;