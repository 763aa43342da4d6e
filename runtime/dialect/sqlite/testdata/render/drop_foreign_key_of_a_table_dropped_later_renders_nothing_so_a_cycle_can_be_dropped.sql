-- operation 1: drop foreign key authors_best_book_id_fkey on authors
-- (no step of its own)

-- operation 2: drop table books
DROP TABLE "books";

-- operation 3: drop table authors
DROP TABLE "authors";

