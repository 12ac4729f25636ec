-- Cases created before 0013 take their image's size, and their own image as their duplicate group
-- (same bytes only: near-duplicate grouping by dHash starts with the cases created after it).
UPDATE "cases" SET "image_size_bytes" = "images"."size_bytes", "duplicate_group" = "cases"."image_id" FROM "images" WHERE "images"."id" = "cases"."image_id";
