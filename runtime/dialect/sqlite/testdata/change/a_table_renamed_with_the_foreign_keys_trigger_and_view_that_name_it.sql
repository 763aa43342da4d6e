-- Up

-- operation 1: rename table members to people
ALTER TABLE "members" RENAME TO "people";

-- Down

-- operation 1: rename table people to members
ALTER TABLE "people" RENAME TO "members";

