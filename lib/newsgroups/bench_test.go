package newsgroups

import (
	"context"
	"testing"

	"github.com/embedclassify/embedclassify/internal/shared"
)

// BenchmarkLoadPreprocessAll is the benchmark: load the whole "all"
// subset from the shared archive and apply the tutorial's preprocessing,
// the Go side of fetch_20newsgroups(subset='all') + preprocess_newsgroup_data.
func BenchmarkLoadPreprocessAll(b *testing.B) {
	archive := shared.Archive(b)
	ctx := context.Background()
	for b.Loop() {
		ds, err := Load(ctx, Options{Path: archive, Subset: All})
		if err != nil {
			b.Fatal(err)
		}
		if f := PreprocessFrame(ds); f.Len() != 18846 {
			b.Fatalf("%d rows", f.Len())
		}
	}
}

// BenchmarkLoadAll times Load alone (gunzip, untar, order, latin-1).
func BenchmarkLoadAll(b *testing.B) {
	archive := shared.Archive(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := Load(ctx, Options{Path: archive, Subset: All}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreprocessFrameAll times the tutorial's preprocessing of "all".
func BenchmarkPreprocessFrameAll(b *testing.B) {
	ds, err := Load(context.Background(), Options{Path: shared.Archive(b), Subset: All})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		PreprocessFrame(ds)
	}
}
