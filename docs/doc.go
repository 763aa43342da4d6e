// Package docs holds strata's user documentation, the Markdown files of
// this directory, and the tests that keep every code block in them true to
// the code: SQL is rendered by the real dialects, Go compiles, models load,
// and command lines run or parse with the real command-line tools.
//
// README.md, "How the code in these pages is tested", says how to annotate
// a block; go test ./docs -update rewrites the blocks the tests generate.
package docs
