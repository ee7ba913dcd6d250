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
	"os/signal"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
)

// memoDirEnv names the variable that overrides where steps keep values.
const memoDirEnv = "EMBEDCLASSIFY_MEMO_DIR"

// MemoDir returns the folder where steps keep their values for this kernel
// session: $EMBEDCLASSIFY_MEMO_DIR, else a folder in GoNB's temporary
// directory for the session (removed when the kernel stops), else "" when
// not running under GoNB, in which case a Value is kept only by the
// program that computed it.
func MemoDir() string {
	for _, place := range [][2]string{{memoDirEnv, "."}, {"GONB_TMP_DIR", "embedclassify-memo"}} {
		if d := os.Getenv(place[0]); d != "" {
			return filepath.Join(d, place[1])
		}
	}
	return ""
}

// A Value is the result of a step, declared with Step. Declaring it does
// no work: it is computed when a cell first asks for it (Get, Show, or a
// step that needs it), at most once per kernel session for the same
// inputs. A cell can declare values as package-level variables, which GoNB
// initialises again in every cell's program, without any of them running
// in a cell that does not ask for them.
type Value[T any] struct {
	what    string
	compute func(context.Context) (T, error)
	inputs  []any
	code    uintptr // the compute function, whose package's source is its code version

	keyOnce sync.Once
	key     string
	keyErr  error

	once      sync.Once
	v         T
	err       error
	fromCache bool
	live      bool // computed by this program, its output shown as it ran
	ent       entryInfo
	log       []record
}

// Step declares the value compute returns, described by what ("embedding
// the training posts") in notes and errors. inputs are everything compute
// reads: other Values, settings, data. The value's identity, its key, is
// derived from them and from the code of the step: the source of the
// package that defines compute and of every package of this module it
// imports, the Go version and the versions of the other modules (see
// Fingerprint for how an input is read). Change any of them and the value
// is computed again; change nothing and it is read back, however many
// times cells run.
//
// What compute displays through this package (progress bars, Print, Table,
// Show) is recorded with the value and replayed when a cell shows a value
// read back from the cache. compute's context is cancelled when the cell is
// interrupted. T must be encodable by encoding/gob.
func Step[T any](what string, compute func(ctx context.Context) (T, error), inputs ...any) *Value[T] {
	return &Value[T]{what: what, compute: compute, inputs: inputs, code: reflect.ValueOf(compute).Pointer()}
}

// Key returns the value's identity: a hex digest of the step's code
// version and its inputs' fingerprints. It does not compute the value.
func (v *Value[T]) Key() (string, error) {
	if v == nil {
		return "", errors.New("a step's input is a Value that was never declared (nil)")
	}
	v.keyOnce.Do(func() {
		h := sha256.New()
		fmt.Fprintf(h, "embedclassify notebook step v1\x00%s\x00", v.what)
		ver, err := codeVersion(v.code)
		if err != nil {
			v.keyErr = fmt.Errorf("%s: %w", v.what, err)
			return
		}
		fmt.Fprintf(h, "%s\x00", ver)
		for i, in := range v.inputs {
			fp, err := Fingerprint(in)
			if err != nil {
				v.keyErr = fmt.Errorf("%s: input %d: %w", v.what, i+1, err)
				return
			}
			fmt.Fprintf(h, "%d:%s\x00", i, fp)
		}
		v.key = hex.EncodeToString(h.Sum(nil))
	})
	return v.key, v.keyErr
}

// Fingerprint implements Fingerprinter: a Value given as an input of
// another step stands for its key, so a chain of steps is identified
// without computing any of them.
func (v *Value[T]) Fingerprint() (string, error) {
	k, err := v.Key()
	return "value:" + k, err
}

// Get returns the value, computing it if needed (its progress and output
// then show in the cell that asked). If it cannot be computed, Get shows
// the error and stops the cell (see Check).
func (v *Value[T]) Get() T {
	x, err := v.Result()
	Check(err)
	return x
}

// Result returns the value, or the error that computing it returned.
func (v *Value[T]) Result() (T, error) {
	v.once.Do(v.resolve)
	return v.v, v.err
}

// Results returns the results of a and b, computing each if needed, or
// the first of their errors.
func Results[A, B any](a *Value[A], b *Value[B]) (A, B, error) {
	x, err := a.Result()
	if err != nil {
		var y B
		return x, y, err
	}
	y, err := b.Result()
	return x, y, err
}

// FromCache reports whether the value was read back from the session's
// cache rather than computed by this program; it computes the value first
// if needed.
func (v *Value[T]) FromCache() bool {
	v.Result()
	return v.fromCache
}

// show computes the value or replays the output of its computation, then
// shows the value itself.
func (v *Value[T]) show() {
	x := v.Get()
	if !v.live {
		replay(v.what, v.ent, v.log)
	}
	v.live = false // shown once live; a second Show replays
	if any(x) != nil && !isNilPointer(x) {
		Show(x)
	}
}

func isNilPointer(x any) bool {
	r := reflect.ValueOf(x)
	return r.Kind() == reflect.Pointer && r.IsNil()
}

// entry is what a value's file holds.
type entry[T any] struct {
	Value T
	Log   []record
	Info  entryInfo
}

// entryInfo says when and how fast a value was computed, for the note.
type entryInfo struct {
	When time.Time
	Took time.Duration
}

func (v *Value[T]) resolve() {
	key, err := v.Key()
	if err != nil {
		v.err = err
		return
	}
	dir := MemoDir()
	file := ""
	if dir != "" {
		file = filepath.Join(dir, key+".gob")
		var e entry[T]
		switch err := readEntry(file, &e); {
		case err == nil:
			v.v, v.log, v.ent, v.fromCache = e.Value, e.Log, e.Info, true
			return
		case !errors.Is(err, os.ErrNotExist):
			Warning("The cached result of %s was unreadable (%v): computing it again.", v.what, err)
			os.Remove(file)
		}
	}
	rec := &recorder{live: liveSink(output())}
	prev := setOutput(rec)
	start := time.Now()
	x, err := v.compute(stepContext())
	setOutput(prev)
	if err != nil {
		v.err = fmt.Errorf("%s: %w", v.what, err)
		return
	}
	v.v, v.log, v.live = x, rec.records(), true
	v.ent = entryInfo{When: start, Took: time.Since(start)}
	if file == "" {
		return
	}
	if err := writeEntry(file, entry[T]{Value: x, Log: v.log, Info: v.ent}); err != nil {
		Warning("Could not keep %s for later cells (%v): they will compute it again.", v.what, err)
	}
}

// The file format of a kept value: a magic line, the SHA-256 of the
// payload, then the payload (a gob-encoded entry).
var memoMagic = []byte("embedclassify-step 1\n")

func writeEntry(file string, e any) error {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(e); err != nil {
		return err
	}
	sum := sha256.Sum256(payload.Bytes())
	b := append(append(append([]byte{}, memoMagic...), sum[:]...), payload.Bytes()...)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(file, b)
}

// readEntry decodes file into e after checking its magic and checksum. A
// missing file gives an error wrapping os.ErrNotExist.
func readEntry(file string, e any) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	n := len(memoMagic) + sha256.Size
	if len(b) < n || !bytes.Equal(b[:len(memoMagic)], memoMagic) {
		return fmt.Errorf("%s: not a kept value", file)
	}
	payload := b[n:]
	if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], b[len(memoMagic):n]) {
		return fmt.Errorf("%s: checksum mismatch (damaged file)", file)
	}
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(e); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

var (
	ctxOnce sync.Once
	ctx     context.Context
)

// stepContext returns the context of this cell's program: cancelled when
// the cell is interrupted (GoNB delivers Jupyter's "interrupt kernel" to
// the program as SIGINT, and kills it 5 seconds later).
func stepContext() context.Context {
	ctxOnce.Do(func() {
		ctx, _ = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	})
	return ctx
}

// codeVersion returns the code version of the function at pc: see
// sourceVersion; when the source cannot be read it falls back to the
// digest of the running executable, which is never stale but changes with
// every cell.
func codeVersion(pc uintptr) (string, error) {
	f := runtime.FuncForPC(pc)
	if f == nil {
		return "", errors.New("cannot find the step's function")
	}
	file, _ := f.FileLine(f.Entry())
	if v, err := sourceVersion(filepath.Dir(file)); err == nil {
		return v, nil
	}
	return executableVersion()
}
