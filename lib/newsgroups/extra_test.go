package newsgroups

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/embedclassify/embedclassify/internal/shared"
)

// testdata/sklearn_extra.json holds what scikit-learn 1.2.1's
// fetch_20newsgroups returns for more option sets (categories, shuffle=False,
// another random_state, each remove alone), computed from the shared archive
// with Debian's python3-sklearn.
type extraCase struct {
	Options struct {
		Subset      string   `json:"subset"`
		Categories  []string `json:"categories"`
		Shuffle     *bool    `json:"shuffle"`
		RandomState *int64   `json:"random_state"`
		Remove      []string `json:"remove"`
	} `json:"options"`
	N              int      `json:"n"`
	TargetNames    []string `json:"target_names"`
	FilesAggSHA256 string   `json:"files_agg_sha256"`
	Targets        string   `json:"targets"`
	FirstFiles     []string `json:"first_files"`
	RawAggSHA256   string   `json:"raw_agg_sha256"`
}

func TestParityMoreOptions(t *testing.T) {
	archive := shared.Archive(t)
	b, err := os.ReadFile("testdata/sklearn_extra.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []extraCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%+v", c.Options), func(t *testing.T) {
			opt := Options{Path: archive, Subset: c.Options.Subset, Categories: c.Options.Categories,
				RandomState: c.Options.RandomState, Remove: c.Options.Remove}
			if c.Options.Shuffle != nil && !*c.Options.Shuffle {
				opt.NoShuffle = true
			}
			ds, err := Load(context.Background(), opt)
			if err != nil {
				t.Fatal(err)
			}
			if ds.Len() != c.N {
				t.Fatalf("%d documents, want %d", ds.Len(), c.N)
			}
			if !slices.Equal(ds.TargetNames, c.TargetNames) {
				t.Errorf("TargetNames = %v, want %v", ds.TargetNames, c.TargetNames)
			}
			if !slices.Equal(ds.Filenames[:len(c.FirstFiles)], c.FirstFiles) {
				t.Errorf("first files = %v, want %v", ds.Filenames[:len(c.FirstFiles)], c.FirstFiles)
			}
			if got := aggSHA(ds.Filenames); got != c.FilesAggSHA256 {
				t.Errorf("file order fingerprint %s, want %s", got, c.FilesAggSHA256)
			}
			var targets []byte
			for _, tg := range ds.Target[:len(c.Targets)] {
				targets = append(targets, byte('0'+tg))
			}
			if string(targets) != c.Targets {
				t.Errorf("targets = %q, want %q", targets, c.Targets)
			}
			if got := aggSHA(ds.Data); got != c.RawAggSHA256 {
				t.Errorf("text fingerprint %s, want %s", got, c.RawAggSHA256)
			}
		})
	}
}
