// Command fakegemini runs the geminitest fake Gemini API server until it is
// interrupted, for CI and offline notebook runs.
//
// Usage:
//
//	fakegemini [-addr 127.0.0.1:0] [-latency 0s] [-keys k1,k2] [-no-auth] [-rpm 0] [-retry-info]
//
// It prints the server's base URL as the first line of its standard output,
// then the variables that point the genai SDK (and so embedclassify) at it:
//
//	$ go run ./cmd/fakegemini -addr 127.0.0.1:8089 &
//	http://127.0.0.1:8089
//	$ GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8089 GEMINI_API_KEY=fake embedclassify run
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (port 0 picks a free one)")
	latency := flag.Duration("latency", 0, "delay added to every embedding answer")
	keys := flag.String("keys", "", "comma-separated accepted API keys (default: any non-empty key)")
	noAuth := flag.Bool("no-auth", false, "accept requests without an API key")
	rpm := flag.Int("rpm", 0, "enforce a quota of this many embedding requests a minute, answering 429 past it (0: none)")
	retryInfo := flag.Bool("retry-info", false, "with -rpm, say in each 429 how long to wait (google.rpc.RetryInfo)")
	flag.Parse()

	opts := geminitest.Options{Latency: *latency, NoAuth: *noAuth, RPM: *rpm, QuotaRetryInfo: *retryInfo}
	if *keys != "" {
		opts.APIKeys = strings.Split(*keys, ",")
	}
	srv, err := geminitest.Listen(*addr, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakegemini:", err)
		os.Exit(1)
	}
	fmt.Println(srv.URL)
	fmt.Fprintf(os.Stderr, "fakegemini: serving the Gemini API at %s (Ctrl-C to stop)\n", srv.URL)
	fmt.Fprintf(os.Stderr, "fakegemini: export GOOGLE_GEMINI_BASE_URL=%s GEMINI_API_KEY=fake-key\n", srv.URL)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	st := srv.Stats()
	srv.Close()
	fmt.Fprintf(os.Stderr, "fakegemini: served %d embedding requests (%d texts, %d refused for the quota), %d batch jobs, %d model listings; stopped at %s\n",
		st.EmbedRequests, st.Texts, st.Throttled, st.BatchCreates, st.ListRequests, time.Now().Format(time.TimeOnly))
}
