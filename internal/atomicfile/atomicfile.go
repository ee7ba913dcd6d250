// Package atomicfile writes files that readers see either whole or not at
// all. The data goes to a temporary file in the destination's folder, which
// is synced, closed and then renamed over the destination: a process killed
// half-way leaves the old file (or none), never a partial one.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File is a file being written; it takes the place of its destination when
// Commit succeeds. Write to it as to an *os.File.
type File struct {
	*os.File
	dest string
	done bool
}

// Create starts writing the file dest. The temporary file is made in dest's
// folder (which must exist) with mode 0644. Call Commit to put it in place,
// or Abort to drop it; Abort after Commit does nothing, so
// "defer f.Abort()" is the usual pattern.
func Create(dest string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", dest, err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("creating %s: %w", dest, err)
	}
	return &File{File: f, dest: dest}, nil
}

// Commit syncs and closes the file and renames it to its destination. On
// failure the temporary file is removed and the destination is unchanged.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("writing %s: already committed or aborted", f.dest)
	}
	f.done = true
	err := errors.Join(f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(f.Name(), f.dest)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", f.dest, err)
	}
	return nil
}

// Abort closes and removes the temporary file, leaving the destination
// unchanged. It does nothing after Commit or another Abort.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// WriteFile writes data to dest atomically, as os.WriteFile would write it
// with mode 0644.
func WriteFile(dest string, data []byte) error {
	f, err := Create(dest)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", dest, err)
	}
	return f.Commit()
}
