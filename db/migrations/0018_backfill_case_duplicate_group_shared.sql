-- A case alone in its duplicate group (no other case, deleted or not, shares it) is marked as such, as
-- assignDuplicateGroup (lib/cases/duplicate-group.ts) marks new ones; the rest keep the default, true.
UPDATE "cases" SET "duplicate_group_shared" = false WHERE NOT EXISTS (SELECT 1 FROM "cases" AS "other" WHERE "other"."duplicate_group" = "cases"."duplicate_group" AND "other"."id" <> "cases"."id");
