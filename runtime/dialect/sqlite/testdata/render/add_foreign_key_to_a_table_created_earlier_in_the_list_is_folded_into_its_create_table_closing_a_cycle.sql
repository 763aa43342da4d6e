-- operation 1: create table authors
CREATE TABLE "authors" (
  "id" INTEGER PRIMARY KEY,
  "best_book_id" BIGINT,
  CONSTRAINT "authors_best_book_id_fkey" FOREIGN KEY ("best_book_id") REFERENCES "books" ("id") ON DELETE SET NULL
);

-- operation 2: create table books
CREATE TABLE "books" (
  "id" INTEGER PRIMARY KEY,
  "author_id" BIGINT NOT NULL,
  CONSTRAINT "books_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "authors" ("id") ON DELETE CASCADE
);

-- operation 3: add foreign key authors_best_book_id_fkey on authors
-- (no step of its own)

