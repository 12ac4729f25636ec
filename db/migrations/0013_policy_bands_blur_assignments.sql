CREATE TYPE "public"."upload_origin" AS ENUM('upload', 'api', 'quick_check');--> statement-breakpoint
CREATE TABLE "policy_assignments" (
	"id" text PRIMARY KEY NOT NULL,
	"origin" "upload_origin",
	"api_key_id" text,
	"policy_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policy_assignments_one_target" CHECK (("policy_assignments"."origin" is null) <> ("policy_assignments"."api_key_id" is null))
);
--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "auto_clear_threshold" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "blur_images" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "policy_assignments" ADD CONSTRAINT "policy_assignments_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_assignments" ADD CONSTRAINT "policy_assignments_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "policy_assignments_origin_uq" ON "policy_assignments" USING btree ("origin");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_assignments_api_key_uq" ON "policy_assignments" USING btree ("api_key_id");