package shared_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/embedclassify/embedclassify/internal/shared"
	"github.com/embedclassify/embedclassify/lib/newsgroups"
)

// TestArchivePathIsTheProgramsChoice checks that tests look for the dataset
// where newsgroups.Load does: $EMBEDCLASSIFY_DATA first, then the cache.
func TestArchivePathIsTheProgramsChoice(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", home)
	t.Setenv("HOME", home)
	t.Setenv(newsgroups.EnvData, "")
	if p, _ := shared.ArchivePath(); p != "" {
		t.Fatalf("ArchivePath = %q with no variable and an empty cache, want \"\"", p)
	}
	cached, err := newsgroups.CachePath(newsgroups.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(cached), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cached, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, from := shared.ArchivePath(); p != cached {
		t.Errorf("ArchivePath = %q (from %s), want the cache's %q", p, from, cached)
	}
	t.Setenv(newsgroups.EnvData, "/some/archive.tar.gz")
	if p, _ := shared.ArchivePath(); p != "/some/archive.tar.gz" {
		t.Errorf("ArchivePath = %q, want $%s's value", p, newsgroups.EnvData)
	}
}

func TestParity(t *testing.T) {
	var p map[string]json.RawMessage
	if err := json.Unmarshal(shared.Parity(), &p); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"train/remove=none", "train/remove=all", "test/remove=none", "test/remove=all"} {
		if _, ok := p[k]; !ok {
			t.Errorf("parity.json lacks %q", k)
		}
	}
}
