// Package atomicfile writes files, and folders of files, that readers see
// either whole or not at all. The data goes to a temporary file (or folder)
// beside the destination, which is synced, closed and then renamed over the
// destination: a process killed half-way leaves the old file or folder (or
// none), never a partial one.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
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

// Dir is a folder being written; it takes the place of its destination, as a
// whole, when Commit succeeds. Write the folder's files under Path.
type Dir struct {
	path, dest string
	done       bool
}

// CreateDir starts writing the folder dest: an empty temporary folder is
// made beside it (dest's parent folder must exist). Call Commit to put it in
// place, or Abort to drop it; "defer d.Abort()" is the usual pattern. The
// files written under Path should be synced before Commit (WriteFile does).
func CreateDir(dest string) (*Dir, error) {
	dest = filepath.Clean(dest)
	p, err := os.MkdirTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", dest, err)
	}
	if err := os.Chmod(p, 0o755); err != nil {
		os.Remove(p)
		return nil, fmt.Errorf("creating %s: %w", dest, err)
	}
	return &Dir{path: p, dest: dest}, nil
}

// Path returns the temporary folder to write the files into.
func (d *Dir) Path() string { return d.path }

// Commit puts the folder in place of its destination. An existing
// destination folder is replaced as a whole and its old content removed:
// the caller must have checked that nothing in it is to be kept. Readers
// see the old folder or the new one, never a mix: on Linux the two are
// exchanged in one step; elsewhere the old one is renamed aside first, so a
// crash between the two renames leaves it, whole, beside dest. On failure
// the temporary folder is removed and the destination is unchanged.
func (d *Dir) Commit() error {
	if d.done {
		return fmt.Errorf("writing %s: already committed or aborted", d.dest)
	}
	d.done = true
	if err := syncDir(d.path); err != nil {
		os.RemoveAll(d.path)
		return fmt.Errorf("writing %s: %w", d.dest, err)
	}
	fi, err := os.Lstat(d.dest)
	switch {
	case errors.Is(err, os.ErrNotExist):
		err = os.Rename(d.path, d.dest)
	case err != nil:
	case !fi.IsDir():
		err = fmt.Errorf("%s exists and is not a folder", d.dest)
	default:
		var old string
		if old, err = exchange(d.path, d.dest); err == nil {
			os.RemoveAll(old)
		}
	}
	if err != nil {
		os.RemoveAll(d.path)
		return fmt.Errorf("writing %s: %w", d.dest, err)
	}
	syncDir(filepath.Dir(d.dest))
	return nil
}

// Abort removes the temporary folder and everything in it, leaving the
// destination unchanged. It does nothing after Commit or another Abort.
func (d *Dir) Abort() {
	if d.done {
		return
	}
	d.done = true
	os.RemoveAll(d.path)
}

// exchange puts the folder tmp at dest, which exists, and returns where the
// old dest now is (to be removed).
func exchange(tmp, dest string) (string, error) {
	if err := exchangeAtomic(tmp, dest); err == nil {
		return tmp, nil
	}
	old := tmp + ".old"
	if err := os.Rename(dest, old); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dest); err != nil {
		if rerr := os.Rename(old, dest); rerr != nil {
			return "", fmt.Errorf("%w; the old folder is at %s (%v)", err, old, rerr)
		}
		return "", err
	}
	return old, nil
}

// syncDir flushes a folder's entries to disk.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}
