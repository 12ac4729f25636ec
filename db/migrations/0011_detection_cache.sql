CREATE TABLE "detection_cache" (
	"id" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"engine_version" text NOT NULL,
	"model_version" text NOT NULL,
	"fusion_version" text NOT NULL,
	"options_key" text NOT NULL,
	"dhash" text NOT NULL,
	"report" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "detection_cache_key_uq" ON "detection_cache" USING btree ("sha256","engine_version","model_version","fusion_version","options_key");