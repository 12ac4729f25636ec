CREATE TABLE "scheduled_backups" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"manual" boolean DEFAULT false NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"lease_until" timestamp with time zone NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"file" text,
	"bytes" bigint,
	"rows" integer,
	"blobs" integer,
	"error" text
);
--> statement-breakpoint
CREATE INDEX "scheduled_backups_started_idx" ON "scheduled_backups" USING btree ("started_at");