DROP INDEX "detections_case_attempt_uq";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "scan" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "detections" ADD COLUMN "scan" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "detections" ADD COLUMN "policy" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "detections_case_scan_attempt_uq" ON "detections" USING btree ("case_id","scan","attempt");