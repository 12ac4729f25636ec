-- A 64-bit dHash (16 hex digits) cut into 7 bands of bits 1-9, 10-18, ..., 46-54 and 55-64, each
-- tagged with its position (band k's value + k * 1024): hashes within 6 bits share at least one band.
CREATE FUNCTION phash_bands(h text) RETURNS integer[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ARRAY[
    substring(b FROM 1 FOR 9)::integer,
    1024 + substring(b FROM 10 FOR 9)::integer,
    2048 + substring(b FROM 19 FOR 9)::integer,
    3072 + substring(b FROM 28 FOR 9)::integer,
    4096 + substring(b FROM 37 FOR 9)::integer,
    5120 + substring(b FROM 46 FOR 9)::integer,
    6144 + substring(b FROM 55 FOR 10)::integer
  ] FROM (SELECT ('x' || h)::bit(64) AS b) s
$$;--> statement-breakpoint
ALTER TABLE "images" ADD COLUMN "phash_bands" integer[] GENERATED ALWAYS AS (phash_bands(phash)) STORED;--> statement-breakpoint
CREATE INDEX "images_phash_bands_idx" ON "images" USING gin ("phash_bands") WHERE "images"."phash_informative";