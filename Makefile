# strata's own tasks. The README's first lines name the two a newcomer runs.

GO ?= go
EXAMPLE := examples/blog
DEMO_DB := $(EXAMPLE)/blog.db

# Generate the example's migrations from its models (nothing to write when they
# are up to date), apply them to a fresh SQLite file, and show their status.
demo:
	cd $(EXAMPLE)/auth/migrations && $(GO) generate .
	cd $(EXAMPLE)/migrations && $(GO) generate .
	rm -f $(DEMO_DB)
	$(GO) run ./$(EXAMPLE)/cmd/migrate up --db sqlite:$(DEMO_DB)
	$(GO) run ./$(EXAMPLE)/cmd/migrate status --db sqlite:$(DEMO_DB)

# Every test. PostgreSQL tests run when STRATA_TEST_POSTGRES_URL is set, e.g.
# postgres://postgres@127.0.0.1:5432/test?sslmode=disable, and MySQL ones when
# STRATA_TEST_MYSQL_URL is, e.g. root@tcp(127.0.0.1:3306)/test; they skip
# otherwise.
test:
	$(GO) test -count=1 -timeout 30m ./...

# Regenerate the example's migrations from scratch and fail if they differ
# from the committed ones.
check-generated:
	rm -f $(EXAMPLE)/migrations/0*.go $(EXAMPLE)/migrations/schema_snapshot.go
	rm -f $(EXAMPLE)/auth/migrations/0*.go $(EXAMPLE)/auth/migrations/schema_snapshot.go
	cd $(EXAMPLE)/auth/migrations && $(GO) generate .
	cd $(EXAMPLE)/migrations && $(GO) generate .
	git diff --exit-code -- $(EXAMPLE)
	test -z "$$(git status --porcelain -- $(EXAMPLE))"

# Benchmarks of the generator and the runtime (about two minutes); narrow
# them with BENCH, e.g. make bench BENCH=Start.
BENCH ?= .
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem ./...

# strata beside goose and raw SQL on MariaDB (bench/mariadb, a module of its
# own), at STRATA_TEST_MYSQL_URL or root@tcp(127.0.0.1:3306)/test.
bench-mariadb:
	cd bench && $(GO) run ./mariadb -n 500 -rounds 5

.PHONY: demo test check-generated bench bench-mariadb
