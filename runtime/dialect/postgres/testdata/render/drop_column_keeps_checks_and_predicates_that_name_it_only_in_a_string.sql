-- operation 1: drop column notes.draft
-- locks ACCESS EXCLUSIVE on "notes"
ALTER TABLE "notes" DROP COLUMN "draft";

