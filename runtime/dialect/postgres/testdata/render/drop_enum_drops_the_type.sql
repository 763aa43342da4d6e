-- operation 1: drop enum status
DROP TYPE "status";

