package newsgroups

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/embedclassify/embedclassify/internal/shared"
)

// parity is the layout of the shared parity.json (scikit-learn 1.2 values).
type paritySubset struct {
	N            int      `json:"n"`
	TargetNames  []string `json:"target_names"`
	RawAggSHA256 string   `json:"raw_agg_sha256"`
	PreAggSHA256 string   `json:"pre_agg_sha256"`
	FirstDocs    []struct {
		I         int    `json:"i"`
		File      string `json:"file"`
		Target    int    `json:"target"`
		RawSHA256 string `json:"raw_sha256"`
		PreSHA256 string `json:"pre_sha256"`
	} `json:"first_docs"`
}

func loadParity(t testing.TB) map[string]json.RawMessage {
	t.Helper()
	b := shared.Parity()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("parsing parity.json: %v", err)
	}
	return m
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// aggSHA is parity.json's fingerprint: sha256 of every text followed by NUL.
func aggSHA(texts []string) string {
	h := sha256.New()
	for _, s := range texts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

var (
	sharedOnce sync.Once
	sharedData map[string]*Dataset
	sharedErr  error
)

// loadShared loads train and test, with and without remove, from the shared
// archive once per test binary.
func loadShared(t testing.TB) map[string]*Dataset {
	t.Helper()
	archive := shared.Archive(t)
	sharedOnce.Do(func() {
		sharedData = map[string]*Dataset{}
		for _, subset := range []string{Train, Test} {
			for _, rm := range []string{"none", "all"} {
				opt := Options{Path: archive, Subset: subset}
				if rm == "all" {
					opt.Remove = []string{Headers, Footers, Quotes}
				}
				ds, err := Load(context.Background(), opt)
				if err != nil {
					sharedErr = err
					return
				}
				sharedData[subset+"/remove="+rm] = ds
			}
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedData
}

func TestParity(t *testing.T) {
	par := loadParity(t)
	data := loadShared(t)
	for _, key := range []string{"train/remove=none", "train/remove=all", "test/remove=none", "test/remove=all"} {
		t.Run(key, func(t *testing.T) {
			var want paritySubset
			if err := json.Unmarshal(par[key], &want); err != nil {
				t.Fatal(err)
			}
			ds := data[key]
			if ds.Len() != want.N || len(ds.Target) != want.N || len(ds.Filenames) != want.N {
				t.Fatalf("got %d documents, want %d", ds.Len(), want.N)
			}
			if strings.Join(ds.TargetNames, ",") != strings.Join(want.TargetNames, ",") {
				t.Errorf("TargetNames = %v, want %v", ds.TargetNames, want.TargetNames)
			}
			if len(want.FirstDocs) == 0 {
				t.Fatal("parity.json has no first_docs")
			}
			for _, d := range want.FirstDocs {
				if ds.Filenames[d.I] != d.File || ds.Target[d.I] != d.Target {
					t.Errorf("document %d = %s (target %d), want %s (target %d)", d.I, ds.Filenames[d.I], ds.Target[d.I], d.File, d.Target)
				}
				if got := sha(ds.Data[d.I]); got != d.RawSHA256 {
					t.Errorf("document %d (%s): raw sha256 %s, want %s", d.I, d.File, got, d.RawSHA256)
				}
				if got := sha(Preprocess(ds.Data[d.I])); got != d.PreSHA256 {
					t.Errorf("document %d (%s): preprocessed sha256 %s, want %s", d.I, d.File, got, d.PreSHA256)
				}
			}
			if got := aggSHA(ds.Data); got != want.RawAggSHA256 {
				t.Errorf("raw_agg_sha256 = %s, want %s", got, want.RawAggSHA256)
			}
			if got := aggSHA(PreprocessFrame(ds).Text); got != want.PreAggSHA256 {
				t.Errorf("pre_agg_sha256 = %s, want %s", got, want.PreAggSHA256)
			}
		})
	}
}

func TestParityTutorialOutputs(t *testing.T) {
	par := loadParity(t)
	ds := loadShared(t)["train/remove=none"]
	var example string
	if err := json.Unmarshal(par["train/example0_from_Lines"], &example); err != nil {
		t.Fatal(err)
	}
	doc := ds.Data[0]
	i := strings.Index(doc, "Lines")
	if i < 0 || doc[i:] != example {
		t.Errorf("document 0 from Lines = %q, want %q", doc[max(i, 0):], example)
	}
	var head []string
	if err := json.Unmarshal(par["train/head5_preprocessed_first_60_chars"], &head); err != nil {
		t.Fatal(err)
	}
	f := PreprocessFrame(ds).Head(5)
	if f.Len() != len(head) || len(head) != 5 {
		t.Fatalf("head has %d rows, parity.json %d", f.Len(), len(head))
	}
	for i, want := range head {
		if got := Truncate(f.Text[i], 60); got != want {
			t.Errorf("head row %d = %q, want %q", i, got, want)
		}
	}
}

// TestGroups checks Groups against scikit-learn's target names.
func TestGroups(t *testing.T) {
	var p struct {
		TargetNames []string `json:"target_names"`
	}
	if err := json.Unmarshal(loadParity(t)["train/remove=none"], &p); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(Groups(), p.TargetNames) {
		t.Errorf("Groups() = %v, want scikit-learn's %v", Groups(), p.TargetNames)
	}
}
