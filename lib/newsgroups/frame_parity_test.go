package newsgroups

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/embedclassify/embedclassify/lib/frame"
)

// testdata/pandas_tutorial.json: the tutorial's frames built with pandas
// 1.5.3 on scikit-learn 1.2.1's data (from the shared archive):
// df.head() as printed and as HTML, and
// sample_data(df, n, 'sci') with x.sample(n, random_state=seed).
type tutorialFixture struct {
	PerClass   int      `json:"per_class"`
	Seed       int64    `json:"seed"`
	Index      []int    `json:"index"`
	Files      []string `json:"files"`
	Encoded    []int    `json:"encoded"`
	Classes    []string `json:"classes"`
	HeadRepr   string   `json:"head_repr"`
	HeadHTML   string   `json:"head_html"`
	SampleRepr string   `json:"sample_repr"`
	SampleHTML string   `json:"sample_html"`
}

func TestTutorialFramesMatchPandas(t *testing.T) {
	data := loadShared(t)
	b, err := os.ReadFile("testdata/pandas_tutorial.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx map[string]tutorialFixture
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	for _, subset := range []string{Train, Test} {
		t.Run(subset, func(t *testing.T) {
			want, ok := fx[subset]
			if !ok {
				t.Fatal("fixture missing")
			}
			df := PreprocessFrame(data[subset+"/remove=none"])
			head := df.Head(5)
			if got := head.String(); got != want.HeadRepr {
				t.Errorf("head String():\n%s\nwant:\n%s", got, want.HeadRepr)
			}
			if got := head.HTML(); got != want.HeadHTML {
				t.Errorf("head HTML():\n%s\nwant:\n%s", got, want.HeadHTML)
			}
			s, err := frame.Sample(df, want.PerClass, "sci", want.Seed)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.File, want.Files) {
				t.Errorf("sampled files differ from pandas'\n got %v\nwant %v", s.File[:5], want.Files[:5])
			}
			if !slices.Equal(s.Index, want.Index) {
				t.Errorf("row labels differ from pandas'")
			}
			if !slices.Equal(s.EncodedLabel, want.Encoded) {
				t.Errorf("encoded labels differ from pandas'")
			}
			if !slices.Equal(s.Classes(), want.Classes) {
				t.Errorf("Classes() = %v, want %v", s.Classes(), want.Classes)
			}
			if got := s.String(); got != want.SampleRepr {
				t.Errorf("sample String():\n%s\nwant:\n%s", got, want.SampleRepr)
			}
			if got := s.HTML(); got != want.SampleHTML {
				t.Errorf("sample HTML():\n%s\nwant:\n%s", got, want.SampleHTML)
			}
		})
	}
}
