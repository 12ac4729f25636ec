CREATE TABLE "case_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"state" "case_state" NOT NULL,
	"verdict" "verdict",
	"score" real,
	"submitter_id" text,
	"case_updated_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "case_events_created_idx" ON "case_events" USING btree ("created_at");