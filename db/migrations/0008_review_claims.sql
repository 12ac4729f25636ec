ALTER TABLE "cases" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "claim_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "previous_state" "case_state";--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "supersedes_id" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "undone_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_claimed_by_users_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_supersedes_id_decisions_id_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."decisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_claimed_by_idx" ON "cases" USING btree ("claimed_by");