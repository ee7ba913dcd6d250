package lsa

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/internal/shared"
)

type quickDoc struct {
	text  string
	group string
}

var (
	reEmail = regexp.MustCompile(`[\w\.-]+@[\w\.-]+`)
	reParen = regexp.MustCompile(`\([^()]*\)`)
)

func quickPreprocess(d string) string {
	d = reEmail.ReplaceAllString(d, "")
	d = reParen.ReplaceAllString(d, "")
	d = strings.ReplaceAll(d, "From: ", "")
	d = strings.ReplaceAll(d, "\nSubject: ", "")
	r := []rune(d)
	if len(r) > 5000 {
		d = string(r[:5000])
	}
	return d
}

func quickLoad(t testing.TB) (train, test []quickDoc) {
	p := shared.Archive(t)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		parts := strings.Split(strings.TrimPrefix(h.Name, "./"), "/")
		if len(parts) < 3 {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		rs := make([]rune, len(b))
		for i, c := range b {
			rs[i] = rune(c)
		}
		d := quickDoc{text: quickPreprocess(string(rs)), group: parts[len(parts)-2]}
		switch {
		case strings.Contains(parts[len(parts)-3], "train"):
			train = append(train, d)
		case strings.Contains(parts[len(parts)-3], "test"):
			test = append(test, d)
		}
	}
	return
}

func filterGroups(ds []quickDoc, substr string) []quickDoc {
	var out []quickDoc
	for _, d := range ds {
		if strings.Contains(d.group, substr) {
			out = append(out, d)
		}
	}
	return out
}

func samplePerClass(ds []quickDoc, n int, rng *rand.Rand) []quickDoc {
	by := map[string][]quickDoc{}
	for _, d := range ds {
		by[d.group] = append(by[d.group], d)
	}
	var groups []string
	for g := range by {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	var out []quickDoc
	for _, g := range groups {
		l := by[g]
		perm := rng.Perm(len(l))
		for _, i := range perm[:n] {
			out = append(out, l[i])
		}
	}
	return out
}

func labels(ds []quickDoc) ([]int, int) {
	var groups []string
	seen := map[string]bool{}
	for _, d := range ds {
		if !seen[d.group] {
			seen[d.group] = true
			groups = append(groups, d.group)
		}
	}
	sort.Strings(groups)
	idx := map[string]int{}
	for i, g := range groups {
		idx[g] = i
	}
	y := make([]int, len(ds))
	for i, d := range ds {
		y[i] = idx[d.group]
	}
	return y, len(groups)
}

func texts(ds []quickDoc) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.text
	}
	return out
}

// softmaxAcc trains a softmax regression by full-batch gradient descent and
// returns test accuracy (a quick stand-in for the tutorial's classifier).
func softmaxAcc(xtr [][]float32, ytr []int, xte [][]float32, yte []int, k int) float64 {
	d := len(xtr[0])
	w := make([]float64, k*d)
	b := make([]float64, k)
	lr := 2.0
	p := make([]float64, k)
	for it := 0; it < 300; it++ {
		gw := make([]float64, k*d)
		gb := make([]float64, k)
		for i, x := range xtr {
			mx := math.Inf(-1)
			for c := 0; c < k; c++ {
				s := b[c]
				for j, v := range x {
					s += w[c*d+j] * float64(v)
				}
				p[c] = s
				mx = math.Max(mx, s)
			}
			var z float64
			for c := range p {
				p[c] = math.Exp(p[c] - mx)
				z += p[c]
			}
			for c := range p {
				g := p[c] / z
				if c == ytr[i] {
					g--
				}
				gb[c] += g
				for j, v := range x {
					gw[c*d+j] += g * float64(v)
				}
			}
		}
		n := float64(len(xtr))
		for i := range w {
			w[i] -= lr * (gw[i]/n + 1e-4*w[i])
		}
		for i := range b {
			b[i] -= lr * gb[i] / n
		}
	}
	correct := 0
	for i, x := range xte {
		best, bc := math.Inf(-1), 0
		for c := 0; c < k; c++ {
			s := b[c]
			for j, v := range x {
				s += w[c*d+j] * float64(v)
			}
			if s > best {
				best, bc = s, c
			}
		}
		if bc == yte[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(xte))
}

func TestQuickQuality(t *testing.T) {
	if os.Getenv("LSA_QUICK") == "" {
		t.Skip("set LSA_QUICK=1")
	}
	train, test := quickLoad(t)
	t.Logf("train %d test %d", len(train), len(test))
	ctx := context.Background()
	dims := 256
	start := time.Now()
	full, err := Fit(ctx, texts(train), Config{Dims: dims})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fit on full train: %v, terms %d", time.Since(start), full.Terms())
	sciTr, sciTe := filterGroups(train, "sci"), filterGroups(test, "sci")
	var accFull, accSmall float64
	seeds := 5
	for s := 0; s < seeds; s++ {
		rng := rand.New(rand.NewPCG(uint64(s), 1))
		tr := samplePerClass(sciTr, 100, rng)
		te := samplePerClass(sciTe, 25, rng)
		ytr, k := labels(tr)
		yte, _ := labels(te)
		xtr, _ := full.Embed(ctx, texts(tr))
		xte, _ := full.Embed(ctx, texts(te))
		accFull += softmaxAcc(xtr, ytr, xte, yte, k)
		st := time.Now()
		small, err := Fit(ctx, texts(tr), Config{Dims: dims})
		if err != nil {
			t.Fatal(err)
		}
		fitSmall := time.Since(st)
		xtr, _ = small.Embed(ctx, texts(tr))
		xte, _ = small.Embed(ctx, texts(te))
		accSmall += softmaxAcc(xtr, ytr, xte, yte, k)
		t.Logf("seed %d small fit %v", s, fitSmall)
	}
	t.Logf("sci 100/25: fitted on full train %.3f, fitted on sample %.3f", accFull/float64(seeds), accSmall/float64(seeds))
}

func TestQuickFitProfile(t *testing.T) {
	if os.Getenv("LSA_QUICK") == "" {
		t.Skip("set LSA_QUICK=1")
	}
	train, _ := quickLoad(t)
	n := len(train)
	if os.Getenv("LSA_N") != "" {
		n = 400
	}
	start := time.Now()
	m, err := Fit(context.Background(), texts(train[:n]), Config{})
	fmt.Println("fit time", time.Since(start))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fit %d: %v terms %d", n, time.Since(start), m.Terms())
}
