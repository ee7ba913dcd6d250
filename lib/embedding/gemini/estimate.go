package gemini

import (
	"fmt"
	"strings"
	"time"
)

// Prices of gemini-embedding-001 on the Gemini API, in US dollars per
// million input tokens, as Google published them at general availability
// (developers.googleblog.com/en/gemini-embedding-available-gemini-api/, July
// 2025, and ai.google.dev/gemini-api/docs/pricing; looked up on 2026-12-02).
// The Batch API costs half.
const (
	ListPricePerMillion = 0.15
	ListPriceDate       = "2025-07 (Google's announcement of gemini-embedding-001, looked up 2026-12-02)"
	BatchDiscount       = 0.5
)

// Estimate is what embedding some texts would take, worked out without
// sending anything.
type Estimate struct {
	Texts    int  // texts to embed
	Cached   int  // of which already cached or repeated (set by the caller that knows)
	Send     int  // distinct texts to send
	Cut      int  // of the rest, texts longer than MaxChars, to be cut
	Requests int  // requests to send (batch jobs in batch mode)
	ByFile   bool // in batch mode, the jobs go through the Files API
	Tokens   int  // estimated input tokens of the texts to send (EstimateTokens)
	Batch    bool
	RPM, TPM int
	// Least is the least time the quotas allow: the minutes RPM and TPM
	// impose, without the time the service takes to answer. Zero without
	// quotas or in batch mode.
	Least time.Duration
}

// Estimate works out what embedding texts (the ones not cached) would
// take: requests, estimated tokens, texts cut, least time under the
// quotas. It sends nothing.
func (e *Embedder) Estimate(texts []string) Estimate {
	sent, spans, cut := e.plan(texts)
	est := Estimate{Texts: len(texts), Send: len(texts), Cut: cut, Requests: len(spans), Batch: e.batchMode, RPM: e.rpm, TPM: e.tpm}
	for _, t := range sent {
		est.Tokens += EstimateTokens(t)
	}
	if e.batchMode {
		est.Requests = 0
		if len(sent) > 0 {
			jobs := e.planBatch(sent)
			est.Requests, est.ByFile = len(jobs), jobs[0].byFile
		}
		return est
	}
	if e.rpm > 0 && est.Requests > e.rpm {
		est.Least = time.Duration((est.Requests+e.rpm-1)/e.rpm-1) * quotaWindow
	}
	if e.tpm > 0 && est.Tokens > e.tpm {
		est.Least = max(est.Least, time.Duration((est.Tokens+e.tpm-1)/e.tpm-1)*quotaWindow)
	}
	return est
}

// Cost returns the estimated price of the texts to send at pricePerMillion
// dollars per million input tokens (half in batch mode).
func (est Estimate) Cost(pricePerMillion float64) float64 {
	c := float64(est.Tokens) / 1e6 * pricePerMillion
	if est.Batch {
		c *= BatchDiscount
	}
	return c
}

// Format writes the estimate for people, pricing it at pricePerMillion.
func (est Estimate) Format(pricePerMillion float64) string {
	var b strings.Builder
	send := est.Send
	fmt.Fprintf(&b, "texts:            %d (%d already cached or repeated, %d to send)\n", est.Texts, est.Cached, send)
	if est.Cut > 0 {
		fmt.Fprintf(&b, "cut to MaxChars:  %d texts (--max-chars)\n", est.Cut)
	} else {
		fmt.Fprintf(&b, "cut to MaxChars:  none\n")
	}
	switch {
	case est.Batch && est.ByFile:
		fmt.Fprintf(&b, "requests:         %d Batch API job(s), through the Files API (past the %d MB of inlined requests, or a big answer)\n", est.Requests, MaxInlineBytes/1_000_000)
	case est.Batch:
		fmt.Fprintf(&b, "requests:         %d Batch API job, inlined requests\n", est.Requests)
	default:
		fmt.Fprintf(&b, "requests:         %d\n", est.Requests)
	}
	fmt.Fprintf(&b, "tokens:           about %d (estimated at 3 bytes a token, on the high side)\n", est.Tokens)
	price := pricePerMillion
	if est.Batch {
		price *= BatchDiscount
	}
	fmt.Fprintf(&b, "cost:             about $%.4f at $%g per million tokens", est.Cost(pricePerMillion), price)
	if est.Batch {
		b.WriteString(" (Batch API: half the list price)")
	}
	b.WriteString("\n")
	switch {
	case send == 0:
		fmt.Fprintf(&b, "time:             none: every text is cached\n")
	case est.Batch:
		fmt.Fprintf(&b, "time:             as long as the Batch API takes (minutes to hours; no per-minute quota)\n")
	case est.RPM == 0 && est.TPM == 0:
		fmt.Fprintf(&b, "time:             no quota given (--rpm, --tpm): as fast as the service answers\n")
	default:
		fmt.Fprintf(&b, "time:             at least %s under the quota of %s\n", est.Least.Round(time.Second), quotaText(est.RPM, est.TPM))
	}
	return b.String()
}

func quotaText(rpm, tpm int) string {
	var parts []string
	if rpm > 0 {
		parts = append(parts, fmt.Sprintf("%d requests", rpm))
	}
	if tpm > 0 {
		parts = append(parts, fmt.Sprintf("%d tokens", tpm))
	}
	return strings.Join(parts, " and ") + " a minute"
}
