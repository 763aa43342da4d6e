// Package templates holds the files strata init writes into a module: the
// migrations package's generate.go, the app's cmd/migrate command, and the
// Makefile targets it suggests. They are text/template files filled in with
// a [Data].
package templates

import "embed"

// FS holds the templates, under the paths they are written to (with a .tmpl
// suffix), plus Makefile.tmpl, which is printed rather than written.
//
//go:embed migrations/generate.go.tmpl cmd/migrate/main.go.tmpl Makefile.tmpl
var FS embed.FS

// Data is what the templates are filled in with.
type Data struct {
	// MigrationsImport is the import path of the migrations package.
	MigrationsImport string
	// MigrationsPackage is its package name.
	MigrationsPackage string
	// MigrationsDir is its directory relative to the module root, with
	// forward slashes.
	MigrationsDir string
	// CommandDir is the directory of the migrate command relative to the
	// module root, with forward slashes.
	CommandDir string
	// Models is the --models pattern, relative to the migrations directory.
	Models string
	// Generate is the command go:generate runs, such as "go tool strata".
	Generate string
	// Dialects is the --dialects of the go:generate line, comma-separated;
	// empty for the default.
	Dialects string
	// MySQL is set when the project targets MySQL, whose driver the migrate
	// command then imports.
	MySQL bool
	// Set is the name of the set the migrations package is, for a package
	// of models that apps include (runtime.NewSet); empty for an app's own.
	Set string
}
