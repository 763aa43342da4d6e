-- operation 1: drop column notes.draft
ALTER TABLE "notes" DROP COLUMN "draft";

