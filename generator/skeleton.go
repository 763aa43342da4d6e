package generator

import (
	"bytes"
	"fmt"
	"go/format"
	"text/template"
)

// skeletonText is the migration --empty writes. Its first line does not say
// "written by strata makemigrations": the file is the user's, and
// makemigrations --undo leaves it alone.
var skeletonText = template.Must(template.New("skeleton").Parse(`// Migration {{.ID}}, for steps written by hand.
//
// strata makemigrations --empty wrote this skeleton; fill it in. strata reads
// migrations without running them, so write the steps as literals:
//   - schema.RunSQL runs SQL, the text of its dialect's field (Postgres,
//     SQLite, MySQL) or else SQL. When it changes the schema, list the
//     operations it stands for in Declares (such as schema.AddColumn{...}),
//     so that the snapshot and later migrations know the change.
//   - schema.RunGo runs a Go function in the migration's transaction.
// Down undoes Up, in reverse order. A step left empty does nothing; delete
// what you do not need.

package {{.Package}}

import (
	"context"
	"database/sql"

	"github.com/strata-go/strata/runtime"
	"github.com/strata-go/strata/runtime/schema"
)

func init() {
	Migrator.Register(runtime.Migration{
		ID: {{printf "%q" .ID}},
		Up: []schema.Operation{
			schema.RunSQL{
				Postgres: ` + "``" + `,
				SQLite:   ` + "``" + `,
			},
			schema.RunGo{Func: func(ctx context.Context, tx *sql.Tx) error {
				return nil
			}},
		},
		Down: []schema.Operation{
			schema.RunSQL{
				Postgres: ` + "``" + `,
				SQLite:   ` + "``" + `,
			},
		},
	})
}
`))

// skeleton returns the source of the hand-written migration id in package
// pkg, gofmt'd.
func skeleton(pkg, id string) ([]byte, error) {
	var b bytes.Buffer
	if err := skeletonText.Execute(&b, struct{ Package, ID string }{pkg, id}); err != nil {
		return nil, fmt.Errorf("makemigrations: %w", err)
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("makemigrations: the skeleton of %s (a strata bug): %w", id, err)
	}
	return src, nil
}
