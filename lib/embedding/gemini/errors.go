package gemini

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"google.golang.org/genai"
)

// Error reports a batch that could not be embedded. It wraps the last
// attempt's error, so errors.As(err, &genai.APIError{}) finds the service's
// answer. Its message says what failed and what to do; it never contains the
// API key.
type Error struct {
	Start, End int // the batch: texts[Start:End] of the call
	Attempts   int // attempts made
	Err        error

	key   string
	model string
}

// Unwrap returns the last attempt's error.
func (e *Error) Unwrap() error { return e.Err }

// Error tells which texts failed, after how many attempts, and why.
func (e *Error) Error() string {
	what := fmt.Sprintf("gemini: embedding texts %d to %d with %s", e.Start, e.End-1, e.model)
	if e.End-e.Start == 1 {
		what = fmt.Sprintf("gemini: embedding text %d with %s", e.Start, e.model)
	}
	tries := ""
	if e.Attempts > 1 {
		tries = fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return scrub(fmt.Sprintf("%s failed%s: %s", what, tries, explain(e.Err, e.model)), e.key)
}

// explain turns an attempt's error into a sentence for the reader.
func explain(err error, model string) string {
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "the service did not answer in time (" + clip(err.Error()) + "); it may be down or overloaded: try again later"
	}
	var qe *quotaError
	if errors.As(err, &qe) {
		return fmt.Sprintf("the service kept refusing for rate or quota (%s); %s; set --rpm and --tpm to your plan's quota, raise --max-wait, or use --gemini-batch", serviceText(qe.err), qe.why)
	}
	var ae *AnswerError
	if errors.As(err, &ae) {
		return ae.Error()
	}
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) {
		if transportError(err) {
			return fmt.Sprintf("could not reach the service (%s); check the network or the base URL (HTTPOptions.BaseURL, GOOGLE_GEMINI_BASE_URL)", clip(err.Error()))
		}
		return clip(err.Error())
	}
	msg := clip(apiErr.Message)
	low := strings.ToLower(msg)
	service := serviceText(err)
	reason := detailReason(apiErr)
	switch {
	case reason == "API_KEY_INVALID" || strings.Contains(low, "api key not valid") || strings.Contains(low, "api key expired"):
		return "the service refused the API key (" + service + "); check GEMINI_API_KEY or GOOGLE_API_KEY"
	case apiErr.Code == http.StatusUnauthorized || apiErr.Code == http.StatusForbidden:
		if strings.Contains(low, "unregistered callers") || strings.Contains(low, "api key") {
			return "no API key reached the service (" + service + "); set GEMINI_API_KEY or GOOGLE_API_KEY"
		}
		return "permission denied (" + service + "); check the key's project, the API being enabled, or the Vertex AI credentials"
	case apiErr.Code == http.StatusNotFound:
		return fmt.Sprintf("model %q was not found or does not support embedding (%s); list the models that do with ListEmbeddingModels", model, service)
	case apiErr.Code == http.StatusTooManyRequests:
		return "the service kept refusing for rate or quota (" + service + "); wait, set --rpm and --tpm to your plan's quota (or raise --max-wait), or use --gemini-batch"
	case apiErr.Code == http.StatusBadRequest && (strings.Contains(low, "token") || strings.Contains(low, "too long") || strings.Contains(low, "exceeds") || strings.Contains(low, "payload size")):
		return "a text is too long for the model (" + service + "); shorten the texts or lower the batch size"
	case apiErr.Code == http.StatusBadRequest && strings.Contains(low, "at most") && strings.Contains(low, "batch"):
		return "the batch was too large (" + service + "); lower the batch size"
	case apiErr.Code == http.StatusBadRequest:
		return "the service refused the request (" + service + ")"
	case apiErr.Code >= 500 || apiErr.Code == http.StatusRequestTimeout:
		return "the service kept failing (" + service + "); try again later"
	}
	return "the service answered " + service
}

// detailReason returns the reason of a google.rpc.ErrorInfo detail, if any.
func detailReason(e genai.APIError) string {
	for _, d := range e.Details {
		if t, _ := d["@type"].(string); strings.HasSuffix(t, "google.rpc.ErrorInfo") {
			r, _ := d["reason"].(string)
			return r
		}
	}
	return ""
}

// serviceText returns the service's error answer in err as "code status:
// message", clipped.
func serviceText(err error) string {
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) {
		return clip(err.Error())
	}
	return fmt.Sprintf("%d %s: %s", apiErr.Code, apiErr.Status, clip(apiErr.Message))
}

// quotaError is a quota refusal (429) the embedder gave up waiting out.
type quotaError struct {
	err error // the last 429
	why string
}

func (e *quotaError) Error() string { return e.err.Error() + "; " + e.why }
func (e *quotaError) Unwrap() error { return e.err }
