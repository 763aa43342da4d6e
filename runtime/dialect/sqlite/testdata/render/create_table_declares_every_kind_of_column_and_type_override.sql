-- operation 1: create enum mood
-- (no step of its own)

-- operation 2: create table kinds
CREATE TABLE "kinds" (
  "flag" BOOLEAN NOT NULL DEFAULT true,
  "small" SMALLINT NOT NULL,
  "mid" INT NOT NULL DEFAULT -1,
  "big" BIGINT,
  "ratio" REAL NOT NULL DEFAULT 1.5,
  "score" DOUBLE NOT NULL DEFAULT 2.5e3,
  "note" TEXT NOT NULL DEFAULT (lower('HELLO')),
  "code" VARCHAR(12) NOT NULL DEFAULT 'it''s',
  "raw" BLOB NOT NULL DEFAULT X'00ff',
  "at" TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00:00', 'now')),
  "doc" TEXT NOT NULL DEFAULT '{}',
  "key" TEXT,
  "mood" TEXT NOT NULL DEFAULT 'happy' CHECK ("mood" IN ('happy', 'it''s complicated')),
  "price" NUMERIC(10, 2) NOT NULL,
  "currency" char(3) NOT NULL,
  "tags" TEXT
);

