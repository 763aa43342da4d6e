package introspect_test

import (
	"context"
	"strings"
	"testing"

	"github.com/strata-go/strata/generator/introspect"
	"github.com/strata-go/strata/internal/testdb"
)

// A MySQL database's views, triggers, routines, partitioning, generated
// columns and full-text indexes are listed, and the schema holds the
// tables, columns and indexes strata models, without them.
func TestReadListsWhatAMySQLDatabaseHoldsBeyondTheModel(t *testing.T) {
	ctx := context.Background()
	db := testdb.MySQL(t)
	execAll(t, db,
		"CREATE TABLE authors (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, "+
			"upper_name VARCHAR(100) AS (UPPER(name)) VIRTUAL, bio LONGTEXT NULL, FULLTEXT INDEX authors_bio_ft (bio), INDEX authors_name_idx (name))",
		"CREATE TABLE events (id BIGINT NOT NULL, at DATETIME(6) NOT NULL, PRIMARY KEY (id, at)) "+
			"PARTITION BY RANGE (YEAR(at)) (PARTITION p2024 VALUES LESS THAN (2025), PARTITION pmax VALUES LESS THAN MAXVALUE)",
		"CREATE VIEW author_names AS SELECT name FROM authors",
		"CREATE TRIGGER authors_touch BEFORE UPDATE ON authors FOR EACH ROW SET NEW.name = TRIM(NEW.name)",
		"CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2",
		"CREATE PROCEDURE tidy() SELECT 1",
	)
	res, err := introspect.Read(ctx, db, "mysql", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"view author_names",
		"trigger authors_touch on authors",
		"function twice()",
		"procedure tidy()",
		"table events: partitioned by RANGE (year(", // the name quoted as the session's sql_mode says
		"into 2 partitions; the models make it a plain table",
		"column authors.upper_name: generated (AS ...); it is left out",
		"index authors_bio_ft on authors: FULLTEXT, which the models would make a plain index; it is left out",
	} {
		if !strings.Contains(strings.Join(res.Skipped, "\n"), want) {
			t.Errorf("Read lists no %q; it lists:\n  %s", want, strings.Join(res.Skipped, "\n  "))
		}
	}
	authors := res.Schema.Table("authors")
	if authors == nil || res.Schema.Table("events") == nil {
		t.Fatalf("the schema lacks a table: %+v", res.Schema.Tables)
	}
	if authors.Column("upper_name") != nil || authors.Column("bio") == nil {
		t.Errorf("authors has the columns %+v; want bio, not the generated upper_name", authors.Columns)
	}
	if len(authors.Indexes) != 1 || authors.Indexes[0].Name != "authors_name_idx" {
		t.Errorf("authors has the indexes %+v; want authors_name_idx alone", authors.Indexes)
	}
}
