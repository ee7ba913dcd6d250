package notebook

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
)

// GoNB runs every cell as a new program: the package-level variables that
// earlier cells declared are initialised again each time, so their values
// are recomputed by every later cell. Memo keeps what is slow to compute
// (the dataset, the embeddings, a trained classifier) for the rest of the
// kernel session.

// memoDirEnv names the variable that overrides where Memo keeps values.
const memoDirEnv = "EMBEDCLASSIFY_MEMO_DIR"

// MemoDir returns the folder where Memo keeps values for this kernel
// session: $EMBEDCLASSIFY_MEMO_DIR, else a folder in GoNB's temporary
// directory for the session (removed when the kernel stops), else "" when
// not running under GoNB, in which case Memo keeps nothing.
func MemoDir() string {
	if d := os.Getenv(memoDirEnv); d != "" {
		return d
	}
	if d := os.Getenv("GONB_TMP_DIR"); d != "" {
		return filepath.Join(d, "embedclassify-memo")
	}
	return ""
}

// Key builds a Memo key from a name and the settings the value depends
// on, so that changing a setting computes the value again:
//
//	notebook.Key("sample-train", trainNumSamples, classesToKeep)
func Key(name string, settings ...any) string {
	if len(settings) == 0 {
		return name
	}
	h := sha256.Sum256([]byte(fmt.Sprintf("%#v", settings)))
	return name + "-" + hex.EncodeToString(h[:6])
}

var keyRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// Memo returns the value compute returns, computing it once per kernel
// session: the first call stores the value (gob-encoded) under key in
// MemoDir, later calls (in later cells' programs) read it back. Declare
// slow values with it, for example
//
//	var dfTrain = notebook.Memo(notebook.Key("train", n), func() (*frame.Frame, error) { ... })
//
// What compute prints appears only when it runs. If compute fails, Memo
// stops the cell with the error (see Check). T must be encodable by
// encoding/gob. Outside GoNB (MemoDir is "") it simply calls compute.
func Memo[T any](key string, compute func() (T, error)) T {
	v, err := memo(MemoDir(), key, compute)
	Check(err)
	return v
}

func memo[T any](dir, key string, compute func() (T, error)) (T, error) {
	var zero T
	if !keyRE.MatchString(key) {
		return zero, fmt.Errorf("notebook.Memo: key %q: use letters, digits, '.', '_' and '-' only", key)
	}
	if dir == "" {
		return compute()
	}
	file := filepath.Join(dir, key+".gob")
	if b, err := os.ReadFile(file); err == nil {
		var v T
		if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&v); err == nil {
			return v, nil
		}
		// A value of another type under the same key (the cell changed):
		// compute it again.
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&v); err != nil {
		return v, fmt.Errorf("notebook.Memo: cannot keep %q for later cells: %w", key, err)
	}
	if err := writeFileAtomic(file, buf.Bytes()); err != nil {
		return v, fmt.Errorf("notebook.Memo: %w", err)
	}
	return v, nil
}

// writeFileAtomic writes b to path, creating its folder, so that no reader
// sees a partial file.
func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b)
}

// exit ends the cell's program; tests replace it.
var exit = os.Exit

// Check stops the cell when err is not nil: it shows the error in a
// Warning box (on standard error outside a notebook) and exits with status
// 1, which makes GoNB and Jupyter mark the cell as failed. An interrupted
// cell (err wraps context.Canceled) says so and how to go on.
func Check(err error) {
	if err == nil {
		return
	}
	msg := err.Error()
	if errors.Is(err, context.Canceled) {
		msg = "Interrupted. Run the cell again to go on; the embeddings computed so far are cached.\n(" + msg + ")"
	}
	if output().Rich() {
		Warning("%s", msg)
	} else {
		fmt.Fprintln(os.Stderr, "Error:", msg)
	}
	exit(1)
}

// Must returns v, or stops the cell with err as Check does.
func Must[T any](v T, err error) T {
	Check(err)
	return v
}
