-- operation 1: drop foreign key authors_best_book_id_fkey on authors
-- (nothing to run on SQLite)

-- operation 2: drop table books
PRAGMA defer_foreign_keys = ON;
DROP TABLE "books";

-- operation 3: drop table authors
DROP TABLE "authors";

