CREATE TYPE "public"."list_action" AS ENUM('quarantine', 'clear');--> statement-breakpoint
CREATE TABLE "image_list_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"list_id" text NOT NULL,
	"sha256" text NOT NULL,
	"phash" text,
	"phash_informative" boolean DEFAULT false NOT NULL,
	"phash_bands" integer[] GENERATED ALWAYS AS (phash_bands(phash)) STORED,
	"note" text DEFAULT '' NOT NULL,
	"case_id" text,
	"filename" text DEFAULT '' NOT NULL,
	"added_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "image_lists" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"action" "list_action" NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "image_lists_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "detections" ADD COLUMN "list_matches" jsonb;--> statement-breakpoint
ALTER TABLE "image_list_entries" ADD CONSTRAINT "image_list_entries_list_id_image_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."image_lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "image_list_entries" ADD CONSTRAINT "image_list_entries_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "image_lists" ADD CONSTRAINT "image_lists_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "image_list_entries_list_sha256_uq" ON "image_list_entries" USING btree ("list_id","sha256");--> statement-breakpoint
CREATE INDEX "image_list_entries_sha256_idx" ON "image_list_entries" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "image_list_entries_phash_bands_idx" ON "image_list_entries" USING gin ("phash_bands") WITH (fastupdate=false) WHERE "image_list_entries"."phash_informative";