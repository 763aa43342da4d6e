package generator_test

import (
	"context"
	"testing"

	"github.com/strata-go/strata/generator"
)

// BenchmarkMakeWithNothingChanged is go generate on the blog example when
// its models match its snapshot: load the models, read the snapshot,
// compare. It is the cost every go generate ./... pays.
func BenchmarkMakeWithNothingChanged(b *testing.B) {
	cfg := generator.Config{Dir: "../examples/blog/migrations", Models: []string{"../models"}}
	for b.Loop() {
		res, err := generator.Make(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		if !res.NoChanges() {
			b.Fatal("the blog example's models differ from its snapshot")
		}
	}
}
