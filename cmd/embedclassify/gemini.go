package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/newsgroups"
	"github.com/embedclassify/embedclassify/lib/tutorial"
)

// geminiFlags are the Gemini pacing, retry, batch and estimate flags of
// "run" and "embed".
type geminiFlags struct {
	rpm, tpm, maxChars *int
	maxWait            *time.Duration
	batch, estimate    *bool
	price              *float64
}

func addGeminiFlags(fs *flag.FlagSet) geminiFlags {
	return geminiFlags{
		rpm:      fs.Int("rpm", 0, "Gemini requests per minute to stay within (your quota; 0 = no pacing; default $"+gemini.EnvRPM+")"),
		tpm:      fs.Int("tpm", 0, "Gemini input tokens per minute to stay within (estimated at 3 bytes a token; 0 = no limit; default $"+gemini.EnvTPM+")"),
		maxWait:  fs.Duration("max-wait", 0, "longest time to wait out Gemini quota refusals (429) with no success in between (default 10m, or $"+gemini.EnvMaxWait+")"),
		maxChars: fs.Int("max-chars", 0, fmt.Sprintf("cut texts longer than this many bytes before sending them to Gemini (default %d, about 2,000 tokens, or $%s)", gemini.DefaultMaxChars, gemini.EnvMaxChars)),
		batch:    fs.Bool("gemini-batch", false, "embed through Gemini's Batch API: half the price, no per-minute quota, answers in minutes to hours (default $"+gemini.EnvBatch+")"),
		estimate: fs.Bool("estimate", false, "print the texts, requests, tokens, cost and time the Gemini embedding would take, and stop; nothing is sent"),
		price:    fs.Float64("price", gemini.ListPricePerMillion, "Gemini list price in US$ per million input tokens, for --estimate (default: gemini-embedding-001's, "+gemini.ListPriceDate+")"),
	}
}

func (f geminiFlags) config() gemini.Config {
	return gemini.Config{RPM: *f.rpm, TPM: *f.tpm, MaxWait: *f.maxWait, MaxChars: *f.maxChars, Batch: *f.batch}
}

// geminiStatus returns a gemini.Config.Status that shows the traffic beside
// the progress bar and prints a line each time the run starts waiting out
// a quota refusal, saying why and until when.
func geminiStatus(p *progress) func(gemini.Status) {
	var (
		mu   sync.Mutex
		last time.Time
	)
	return func(s gemini.Status) {
		p.Note(s.String())
		mu.Lock()
		defer mu.Unlock()
		if !s.WaitUntil.IsZero() && !s.WaitUntil.Equal(last) {
			last = s.WaitUntil
			p.Step(fmt.Sprintf("Gemini: waiting until %s: %s (%d×429 so far)", s.WaitUntil.Format(time.TimeOnly), s.WaitReason, s.Refused))
		}
	}
}

// namedTexts is a set of texts a run embeds, with a name for people.
type namedTexts struct {
	name  string
	texts []string
}

// printEstimate writes what embedding the sets with the embedder cfg
// selects would take, sending nothing: texts, those already cached,
// requests, estimated tokens, cost at price dollars per million tokens and
// the least time under the quotas.
func printEstimate(ctx context.Context, w io.Writer, cfg selector.Config, price float64, sets ...namedTexts) error {
	var all []string
	var names []string
	for _, s := range sets {
		all = append(all, s.texts...)
		names = append(names, strings.TrimSpace(fmt.Sprintf("%d %s", len(s.texts), s.name)))
	}
	if kind, err := selector.Resolve(cfg); err != nil {
		return err
	} else if kind == selector.KindLocal {
		fmt.Fprintf(w, "estimate for %s texts: the offline embedder (no Gemini key or --embedder local): nothing to pay, nothing sent\n", strings.Join(names, " and "))
		return nil
	}
	cfg.Progress = nil
	emb, _, err := selector.Select(ctx, cfg, nil)
	if err != nil {
		return err
	}
	send := all
	if c, ok := emb.(*embedding.Cache); ok {
		if send, err = c.Missing(all); err != nil {
			return err
		}
	}
	g := gemini.Of(emb)
	if g == nil {
		return fmt.Errorf("--estimate: %T is not the Gemini embedder", emb)
	}
	est := g.Estimate(send)
	est.Texts, est.Cached = len(all), len(all)-len(send)
	fmt.Fprintf(w, "estimate for %s texts with %s (%s), nothing sent:\n", strings.Join(names, " and "), g.Model(), g.Backend())
	fmt.Fprint(w, est.Format(price))
	return nil
}

// estimateRun prints what "run" with settings s would pay to embed its
// train and test texts, loading and sampling them as tutorial.Run does.
func estimateRun(ctx context.Context, w io.Writer, s tutorial.Settings, price float64) error {
	var sets []namedTexts
	for _, sub := range []struct {
		name     string
		perClass int
	}{{newsgroups.Train, s.TrainPerClass}, {newsgroups.Test, s.TestPerClass}} {
		f, err := loadDatasetFrame(ctx, s.Data, sub.name)
		if err != nil {
			return err
		}
		if sub.perClass > 0 {
			f, err = frame.Sample(f, sub.perClass, s.Classes, s.Seed)
		} else {
			f, err = frame.KeepClasses(f, s.Classes)
		}
		if err != nil {
			return err
		}
		sets = append(sets, namedTexts{sub.name, f.Text})
	}
	return printEstimate(ctx, w, s.Embedding, price, sets...)
}
