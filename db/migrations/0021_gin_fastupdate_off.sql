DROP INDEX "images_phash_bands_idx";--> statement-breakpoint
CREATE INDEX "images_phash_bands_idx" ON "images" USING gin ("phash_bands") WITH (fastupdate=false) WHERE "images"."phash_informative";