// Package files writes the generator's output all at once or not at all.
//
// It is the last stage of the generator's pipeline (load, diff, emit, write):
// everything has been rendered and checked in memory before [WriteAll] is
// called, and if any write fails, every file it created is removed and every
// file it replaced is restored, so the user's tree is left as it was.
package files

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File is one file to write: its path and its whole content, or, when
// Remove is set, a file to remove.
type File struct {
	Path    string
	Content []byte
	Remove  bool
}

// WriteAll writes, or removes, every file. Each file is written to a temporary file in its
// directory and renamed into place, so no file is ever seen half-written. On
// the first failure WriteAll undoes what it did and returns the error, joined
// with any error met while undoing.
func WriteAll(fs []File) error {
	var done []undo
	for _, f := range fs {
		u, err := write(f)
		if err != nil {
			return errors.Join(fmt.Errorf("files: %w", err), rollback(done))
		}
		done = append(done, u)
	}
	return nil
}

// undo restores one path: it removes the file when it did not exist before,
// and writes back its old content and mode when it did.
type undo struct {
	path    string
	existed bool
	content []byte
	mode    os.FileMode
}

func write(f File) (undo, error) {
	u := undo{path: f.Path, mode: 0o644}
	if info, err := os.Stat(f.Path); err == nil {
		old, err := os.ReadFile(f.Path)
		if err != nil {
			return u, err
		}
		u.existed, u.content, u.mode = true, old, info.Mode().Perm()
	} else if !errors.Is(err, os.ErrNotExist) {
		return u, err
	}
	if f.Remove {
		if !u.existed {
			return u, fmt.Errorf("remove %s: %w", f.Path, os.ErrNotExist)
		}
		return u, os.Remove(f.Path)
	}
	return u, replace(f.Path, f.Content, u.mode)
}

// replace writes content to path through a temporary file and a rename.
func replace(path string, content []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(content)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), mode)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}

func rollback(done []undo) error {
	var errs []error
	for i := len(done) - 1; i >= 0; i-- {
		u := done[i]
		var err error
		if u.existed {
			err = replace(u.path, u.content, u.mode)
		} else {
			err = os.Remove(u.path)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("files: undo %s: %w", u.path, err))
		}
	}
	return errors.Join(errs...)
}
