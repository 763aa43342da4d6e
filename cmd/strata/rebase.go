package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/strata-go/strata/generator"
)

func rebaseCommand() *cli.Command {
	return &cli.Command{
		Name:  "rebase",
		Usage: "after merging another branch, put this branch's migrations after the other's",
		Description: "rebase finds the other branch's migrations in git (--onto REF; by default the branch being\n" +
			"merged, MERGE_HEAD, or the second parent of a merge commit at HEAD): the migration files of\n" +
			"--dir that REF's tree does not hold are this branch's. When makemigrations wrote all of them\n" +
			"and they hold no hand-written step, they are removed and one migration is generated again\n" +
			"from the models, after the other branch's; otherwise each keeps its steps and takes the next\n" +
			"free number. The snapshot is rebuilt by replaying every migration. Resolve a conflict in\n" +
			"schema_snapshot.go with either side first (git checkout --ours or --theirs); rebase rewrites it.\n" +
			"A database that applied one of this branch's migrations under its old number should revert it first.",
		ArgsUsage:    " ",
		OnUsageError: usageError,
		Flags: []cli.Flag{
			modelsFlag(),
			includeFlag(),
			replaceFlag(),
			dirFlag(),
			&cli.StringFlag{Name: "onto", Usage: "the git `REF` of the other branch (default: MERGE_HEAD, or HEAD^2 after a merge commit)"},
			&cli.StringFlag{Name: "name", EnvVars: []string{"STRATA_NAME"}, Usage: "the `NAME` of a migration generated again (default: derived from its operations)"},
			&cli.BoolFlag{Name: "force", EnvVars: []string{"STRATA_FORCE"}, Usage: "let destructive changes through in a migration generated again"},
			dialectsFlag(),
		},
		Action: runRebase,
	}
}

func runRebase(c *cli.Context) error {
	if c.Args().Present() {
		return cli.Exit("rebase takes no arguments", exitUsage)
	}
	if len(c.StringSlice("models")) == 0 {
		return cli.Exit("rebase needs --models PATTERN: the package of the model structs, such as ../models", exitUsage)
	}
	dir := migrationsDir(c)
	ref, err := otherBranch(dir, c.String("onto"))
	if err != nil {
		return err
	}
	other, err := migrationsAt(dir, ref)
	if err != nil {
		return err
	}
	names, err := dialects(c)
	if err != nil {
		return err
	}
	r, err := generator.Rebase(c.Context, generator.Config{
		Dir: dir, Models: c.StringSlice("models"), Includes: c.StringSlice("include"), Replaces: c.StringSlice("replace"),
		Name: c.String("name"), Force: c.Bool("force"), Dialects: names,
	}, other)
	if err != nil {
		return err
	}
	if err := r.Write(); err != nil {
		return err
	}
	w := c.App.Writer
	fmt.Fprintf(w, "This branch's migrations, after %s's: %s\n", ref, strings.Join(r.Local, ", "))
	for _, f := range r.Files {
		if f.Remove {
			fmt.Fprintf(w, "  removed %s\n", relPath(f.Path))
		} else {
			fmt.Fprintf(w, "  wrote %s\n", relPath(f.Path))
		}
	}
	if r.Regenerated != nil {
		fmt.Fprintf(w, "Generated %s again from the models:\n", r.Regenerated.ID)
		printSummary(w, newStyle(w), r.Regenerated)
	}
	return nil
}

// otherBranch returns the git ref of the branch merged into this one: ref
// when given, else MERGE_HEAD during a merge, else HEAD^2 after a merge
// commit.
func otherBranch(dir, ref string) (string, error) {
	if ref != "" {
		if _, err := git(dir, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
			return "", fmt.Errorf("rebase: --onto %s names no commit git knows", ref)
		}
		return ref, nil
	}
	for _, candidate := range []string{"MERGE_HEAD", "HEAD^2"} {
		if _, err := git(dir, "rev-parse", "--verify", "--quiet", candidate+"^{commit}"); err == nil {
			return candidate, nil
		}
	}
	return "", errors.New("rebase: no merge in progress and HEAD is not a merge commit; name the other branch with --onto REF")
}

// migrationsAt returns the IDs of the migration files in dir in the tree of
// ref.
func migrationsAt(dir, ref string) ([]string, error) {
	out, err := git(dir, "ls-tree", "--name-only", ref, "--", ".")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, name := range strings.Fields(out) {
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") && name != "schema_snapshot.go" {
			ids = append(ids, strings.TrimSuffix(name, ".go"))
		}
	}
	return ids, nil
}

// git runs git in dir and returns its standard output.
func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("rebase: git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}
