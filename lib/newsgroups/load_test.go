package newsgroups

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/embedclassify/embedclassify/lib/randomstate"
)

type tarEntry struct {
	name string
	body string
	dir  bool
}

// tinyEntries is a miniature by-date dataset: three groups, a few documents
// each, with latin-1 bytes and \r to check the decoding.
func tinyEntries() []tarEntry {
	var es []tarEntry
	for _, part := range []string{"20news-bydate-train", "20news-bydate-test"} {
		es = append(es, tarEntry{name: part + "/", dir: true})
		for gi, g := range []string{"sci.space", "alt.atheism", "comp.graphics"} {
			es = append(es, tarEntry{name: part + "/" + g + "/", dir: true})
			for _, n := range []string{"9", "10", "100", "2"}[:2+gi] {
				body := "From: someone@" + g + ".example (Some One)\nSubject: " + part + " " + g + " " + n +
					"\n\nCaf\xe9 \xb5 text\r\n> quoted line\nend\n--\nsig\n"
				es = append(es, tarEntry{name: part + "/" + g + "/" + n, body: body})
			}
		}
	}
	return es
}

func makeTarGz(t testing.TB, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		if e.dir {
			hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeDir, 0o755, 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func tinyArchive(t testing.TB) string {
	return writeFile(t, filepath.Join(t.TempDir(), "tiny.tar.gz"), makeTarGz(t, tinyEntries()))
}

func tinyFolder(t testing.TB) string {
	dir := t.TempDir()
	for _, e := range tinyEntries() {
		if e.dir {
			if err := os.MkdirAll(filepath.Join(dir, e.name), 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		writeFile(t, filepath.Join(dir, e.name), []byte(e.body))
	}
	return dir
}

func TestLoadTinyArchiveAndFolder(t *testing.T) {
	ctx := context.Background()
	for _, src := range []struct{ name, path string }{{"archive", tinyArchive(t)}, {"folder", tinyFolder(t)}} {
		t.Run(src.name, func(t *testing.T) {
			ds, err := Load(ctx, Options{Path: src.path, NoShuffle: true})
			if err != nil {
				t.Fatal(err)
			}
			wantNames := []string{"alt.atheism", "comp.graphics", "sci.space"}
			if !slices.Equal(ds.TargetNames, wantNames) {
				t.Errorf("TargetNames = %v, want %v", ds.TargetNames, wantNames)
			}
			// load_files order: sorted groups, sorted names (as strings),
			// then numpy's RandomState(0) permutation.
			sorted := []string{"alt.atheism/10", "alt.atheism/100", "alt.atheism/9",
				"comp.graphics/10", "comp.graphics/100", "comp.graphics/2", "comp.graphics/9",
				"sci.space/10", "sci.space/9"}
			perm := randomstate.New(0).Permutation(len(sorted))
			var want []string
			for _, p := range perm {
				want = append(want, sorted[p])
			}
			if !slices.Equal(ds.Filenames, want) {
				t.Errorf("Filenames = %v, want %v", ds.Filenames, want)
			}
			for i, f := range ds.Filenames {
				if ds.TargetNames[ds.Target[i]] != strings.Split(f, "/")[0] {
					t.Errorf("document %d %s has target %d", i, f, ds.Target[i])
				}
				if !strings.Contains(ds.Data[i], "Café µ text\r\n") {
					t.Errorf("document %d not decoded as latin-1 with \\r kept: %q", i, ds.Data[i])
				}
			}

			all, err := Load(ctx, Options{Path: src.path, Subset: All})
			if err != nil {
				t.Fatal(err)
			}
			if all.Len() != 2*len(sorted) {
				t.Errorf("all has %d documents, want %d", all.Len(), 2*len(sorted))
			}

			sel, err := Load(ctx, Options{Path: src.path, Subset: Test, Categories: []string{"sci.space", "alt.atheism"},
				Remove: []string{Headers, Footers, Quotes}, RandomState: Seed(3)})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(sel.TargetNames, []string{"alt.atheism", "sci.space"}) || sel.Len() != 5 {
				t.Fatalf("categories: %v, %d documents", sel.TargetNames, sel.Len())
			}
			for i, d := range sel.Data {
				if d != "Café µ text\r\nend" {
					t.Errorf("document %d with headers, footers and quotes removed = %q", i, d)
				}
				if got := sel.TargetNames[sel.Target[i]]; !strings.HasPrefix(sel.Filenames[i], got+"/") {
					t.Errorf("document %d %s has target %s", i, sel.Filenames[i], got)
				}
			}
		})
	}
}

func TestLoadFolderHoldingTheArchive(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ArchiveName), makeTarGz(t, tinyEntries()))
	ds, err := Load(context.Background(), Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 9 {
		t.Errorf("%d documents, want 9", ds.Len())
	}
}

func TestLoadEnvironmentVariable(t *testing.T) {
	t.Setenv(EnvData, tinyArchive(t))
	ds, err := Load(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 9 {
		t.Errorf("%d documents, want 9", ds.Len())
	}
}

func TestLoadBadInput(t *testing.T) {
	ctx := context.Background()
	archive := tinyArchive(t)
	good := makeTarGz(t, tinyEntries())
	dir := t.TempDir()
	corrupt := slices.Clone(good)
	for i := len(corrupt) / 3; i < len(corrupt)/3+64; i++ {
		corrupt[i] ^= 0x5a
	}
	emptyDir := t.TempDir()
	trainOnly := t.TempDir()
	writeFile(t, filepath.Join(trainOnly, "20news-bydate-train", "sci.space", "1"), []byte("x"))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()

	tests := []struct {
		name string
		ctx  context.Context
		opt  Options
		want []string // substrings of the error message
	}{
		{"missing path", ctx, Options{Path: filepath.Join(dir, "nope.tar.gz")}, []string{"nope.tar.gz", "no such file"}},
		{"truncated", ctx, Options{Path: writeFile(t, filepath.Join(dir, "trunc.tar.gz"), good[:len(good)/2])}, []string{"truncated", "download it again"}},
		{"corrupt", ctx, Options{Path: writeFile(t, filepath.Join(dir, "corrupt.tar.gz"), corrupt)}, []string{"corrupt.tar.gz"}},
		{"not gzip", ctx, Options{Path: writeFile(t, filepath.Join(dir, "plain.txt"), []byte("hello"))}, []string{"not a gzip", ".tar.gz"}},
		{"dot-dot entry", ctx, Options{Path: writeFile(t, filepath.Join(dir, "evil.tar.gz"),
			makeTarGz(t, append(tinyEntries(), tarEntry{name: "20news-bydate-train/../../evil", body: "x"})))}, []string{"refusing", `".."`}},
		{"absolute entry", ctx, Options{Path: writeFile(t, filepath.Join(dir, "abs.tar.gz"),
			makeTarGz(t, append([]tarEntry{{name: "/etc/20news-bydate-train/x/y", body: "x"}}, tinyEntries()...)))}, []string{"refusing", "absolute"}},
		{"unknown subset", ctx, Options{Path: archive, Subset: "validation"}, []string{`"validation"`, `"train"`, `"test"`, `"all"`}},
		{"unknown remove", ctx, Options{Path: archive, Remove: []string{"signatures"}}, []string{`"signatures"`, `"headers"`, `"footers"`, `"quotes"`}},
		{"unknown category", ctx, Options{Path: archive, Categories: []string{"sci.spice"}}, []string{`"sci.spice"`, "alt.atheism, comp.graphics, sci.space"}},
		{"empty categories", ctx, Options{Path: archive, Categories: []string{}}, []string{"nil for all"}},
		{"empty folder", ctx, Options{Path: emptyDir}, []string{"20news-bydate-train/"}},
		{"folder without test", ctx, Options{Path: trainOnly, Subset: Test}, []string{"20news-bydate-test/"}},
		{"archive without documents", ctx, Options{Path: writeFile(t, filepath.Join(dir, "empty.tar.gz"), makeTarGz(t, []tarEntry{{name: "README", body: "x"}}))}, []string{"no documents", "20news-bydate-train/"}},
		{"negative seed", ctx, Options{Path: archive, RandomState: Seed(-1)}, []string{"-1", "4294967295"}},
		{"seed too large", ctx, Options{Path: archive, RandomState: Seed(1 << 32)}, []string{"4294967296"}},
		{"cancelled", cancelled, Options{Path: archive}, []string{"context canceled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := Load(tt.ctx, tt.opt)
			if err == nil {
				t.Fatalf("Load succeeded with %d documents, want an error", ds.Len())
			}
			t.Log(err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	// Nothing was written next to the archives or in the working folder.
	if _, err := os.Stat(filepath.Join(dir, "evil")); err == nil {
		t.Error("an archive entry was written to disk")
	}
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// downloadServer serves body at /ok, a 404 at /missing and, at /cut, half
// of body under a Content-Length of the whole before dropping the connection.
func downloadServer(t *testing.T, body []byte) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	})
	mux.HandleFunc("/cut", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &hits
}

func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestDownload(t *testing.T) {
	t.Setenv(EnvData, "")
	ctx := context.Background()
	body := makeTarGz(t, tinyEntries())
	srv, hits := downloadServer(t, body)

	t.Run("checksum pass, then cache", func(t *testing.T) {
		cache := t.TempDir()
		var last, total int64
		opt := Options{CacheDir: cache, URLs: []string{srv.URL + "/missing", srv.URL + "/ok"}, SHA256: sum(body),
			Progress: func(d, tot int64) { last, total = d, tot }}
		ds, err := Load(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		if ds.Len() != 9 {
			t.Errorf("%d documents, want 9", ds.Len())
		}
		if last != int64(len(body)) || total != int64(len(body)) {
			t.Errorf("last progress %d of %d, want %d of %d", last, total, len(body), len(body))
		}
		if got := cacheFiles(t, cache); !slices.Equal(got, []string{ArchiveName}) {
			t.Errorf("cache holds %v, want [%s]", got, ArchiveName)
		}
		before := hits.Load()
		if _, err := Load(ctx, opt); err != nil {
			t.Fatal(err)
		}
		if hits.Load() != before {
			t.Error("the second Load downloaded again instead of using the cache")
		}
		// A damaged cached archive is moved aside, said so, and replaced by
		// a fresh download.
		writeFile(t, filepath.Join(cache, ArchiveName), body[:100])
		var warned []string
		opt.Warn = func(msg string) { warned = append(warned, msg) }
		if _, err := Load(ctx, opt); err != nil {
			t.Fatalf("Load with a damaged cache: %v", err)
		}
		if hits.Load() == before {
			t.Error("the damaged cache was not downloaded again")
		}
		aside := filepath.Join(cache, ArchiveName+".rejected")
		if b, err := os.ReadFile(aside); err != nil || !bytes.Equal(b, body[:100]) {
			t.Errorf("the damaged archive was not kept at %s (%v)", aside, err)
		}
		if len(warned) != 1 || !strings.Contains(warned[0], aside) || !strings.Contains(warned[0], "truncated") {
			t.Errorf("warnings %q, want one saying the archive was truncated and where it went", warned)
		}
	})

	// A valid archive in the cache that is not the canonical one (here: a
	// repack with other bytes) is never deleted: it is moved aside, with a
	// message naming both checksums and the new place, even when the
	// download that should replace it fails.
	t.Run("cached archive with another checksum", func(t *testing.T) {
		cache := t.TempDir()
		mine := writeFile(t, filepath.Join(cache, ArchiveName), makeTarGz(t, tinyEntries()[1:]))
		orig, _ := os.ReadFile(mine)
		var warned []string
		_, err := Load(ctx, Options{CacheDir: cache, URLs: []string{srv.URL + "/missing"}, SHA256: sum(body),
			Warn: func(msg string) { warned = append(warned, msg) }})
		if err == nil {
			t.Fatal("Load succeeded with a mismatching cache and no download")
		}
		aside := mine + ".rejected"
		if b, rerr := os.ReadFile(aside); rerr != nil || !bytes.Equal(b, orig) {
			t.Fatalf("the user's archive is gone: not at %s (%v); cache holds %v", aside, rerr, cacheFiles(t, cache))
		}
		for _, w := range []string{sum(orig), sum(body), aside} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not mention %q", err, w)
			}
			if len(warned) != 1 || !strings.Contains(warned[0], w) {
				t.Errorf("warnings %q do not mention %q", warned, w)
			}
		}
		// A second mismatching copy does not overwrite the first one set aside.
		writeFile(t, mine, orig)
		Load(ctx, Options{CacheDir: cache, URLs: []string{srv.URL + "/missing"}, SHA256: sum(body), Warn: func(string) {}})
		if _, err := os.Stat(mine + ".rejected-2"); err != nil {
			t.Errorf("the second copy was not set aside beside the first: %v", err)
		}
	})

	t.Run("default cache folder", func(t *testing.T) {
		xdg := t.TempDir()
		t.Setenv("XDG_CACHE_HOME", xdg)
		t.Setenv("HOME", xdg)
		opt := Options{URLs: []string{srv.URL + "/ok"}, SHA256: sum(body)}
		want := filepath.Join(xdg, "embedclassify", ArchiveName)
		if got, err := CachePath(opt); err != nil || got != want {
			t.Fatalf("CachePath = %q, %v; want %q", got, err, want)
		}
		if _, err := Load(ctx, opt); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(want); err != nil {
			t.Errorf("the archive was not stored in the default cache: %v", err)
		}
	})

	t.Run("checksum fail", func(t *testing.T) {
		cache := t.TempDir()
		_, err := Load(ctx, Options{CacheDir: cache, URLs: []string{srv.URL + "/ok"}})
		var ce *ChecksumError
		if !errors.As(err, &ce) {
			t.Fatalf("error %v, want a *ChecksumError", err)
		}
		for _, w := range []string{sum(body), ArchiveSHA256, "discarded"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not mention %q", err, w)
			}
		}
		if got := cacheFiles(t, cache); len(got) != 0 {
			t.Errorf("cache holds %v after a bad download, want nothing", got)
		}
	})

	t.Run("interrupted transfer", func(t *testing.T) {
		cache := t.TempDir()
		_, err := Load(ctx, Options{CacheDir: cache, URLs: []string{srv.URL + "/cut"}, SHA256: sum(body)})
		if err == nil || !strings.Contains(err.Error(), "interrupted") {
			t.Fatalf("error %v, want an interrupted transfer", err)
		}
		if got := cacheFiles(t, cache); len(got) != 0 {
			t.Errorf("cache holds %v after an interrupted download, want nothing", got)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		cache := t.TempDir()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := Load(cctx, Options{CacheDir: cache, URLs: []string{srv.URL + "/ok"}, SHA256: sum(body)})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		if got := cacheFiles(t, cache); len(got) != 0 {
			t.Errorf("cache holds %v after a cancelled download, want nothing", got)
		}
	})
}
