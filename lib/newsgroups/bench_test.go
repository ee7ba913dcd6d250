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

// BenchmarkRemovePatterns compares the hand-written scanners RemoveEmails
// and RemoveParenthesised with the same patterns run by package regexp, on
// every document of the "all" subset. The scanners are kept only because
// regexp is much slower here (see README's figures); the test
// TestScannersMatchRegexp checks that both give the same bytes.
func BenchmarkRemovePatterns(b *testing.B) {
	ds, err := Load(context.Background(), Options{Path: shared.Archive(b), Subset: All})
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, d := range ds.Data {
		size += int64(len(d))
	}
	for _, bm := range []struct {
		name string
		fn   func(string) string
	}{
		{"emails/scanner", RemoveEmails},
		{"emails/regexp", func(s string) string { return emailRE.ReplaceAllString(s, "") }},
		{"parens/scanner", RemoveParenthesised},
		{"parens/regexp", func(s string) string { return parenRE.ReplaceAllString(s, "") }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				for _, d := range ds.Data {
					bm.fn(d)
				}
			}
		})
	}
}
