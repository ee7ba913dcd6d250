// Command embedclassify runs the "Classify text with embeddings" tutorial
// headless: it exports the 20 Newsgroups data, embeds texts (with Gemini or
// the offline embedder), trains and evaluates the tutorial's classifier, and
// classifies new text with a saved model.
//
// Usage:
//
//	embedclassify run     [flags]        the whole tutorial; writes a report folder
//	embedclassify data    [flags]        export the dataset as JSON Lines or CSV
//	embedclassify embed   [flags]        embed a frame and write the vectors
//	embedclassify predict --model-file F "some text"
//
// Run "embedclassify COMMAND -h" for the flags of a command.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// command is one subcommand: its name, a one-line summary and its entry point.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "run the whole tutorial headless and write a report folder", runRun},
		{"data", "export the 20 Newsgroups dataset as JSON Lines or CSV", runData},
		{"embed", "embed a frame with Gemini or the offline embedder", runEmbed},
		{"predict", "classify text with a saved classifier", runPredict},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: embedclassify COMMAND [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'embedclassify COMMAND -h' for a command's flags.")
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(mainErr(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// mainErr runs the command named by args[0] and returns the process exit code.
func mainErr(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintf(stderr, "embedclassify %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "embedclassify: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

// errUsage marks an error whose message has already been printed.
var errUsage = errors.New("usage error")

// parseFlags parses args with fs. It returns flag.ErrHelp for -h (after
// fs's usage), errUsage for a bad flag (after a short message naming the
// closest flag, not the whole usage), and errUsage too when positional
// arguments are left and noArgs is set.
func parseFlags(fs *flag.FlagSet, args []string, noArgs bool) error {
	out, usage := fs.Output(), fs.Usage
	var msg strings.Builder
	fs.SetOutput(&msg)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	if err == flag.ErrHelp {
		if usage != nil {
			usage()
		} else {
			fmt.Fprintf(out, "Usage of %s:\n", fs.Name())
			fs.PrintDefaults()
		}
		return err
	}
	if err != nil {
		fmt.Fprintf(out, "%s: %v\n", fs.Name(), err)
		if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: "); ok {
			if near := closestFlag(fs, strings.TrimLeft(name, "-")); near != "" {
				fmt.Fprintf(out, "did you mean --%s?\n", near)
			}
		}
		fmt.Fprintf(out, "Run '%s -h' for the flags.\n", fs.Name())
		return errUsage
	}
	if noArgs && fs.NArg() > 0 {
		fmt.Fprintf(out, "%s: unexpected arguments %q\nRun '%s -h' for the flags.\n", fs.Name(), fs.Args(), fs.Name())
		return errUsage
	}
	return nil
}

// badUsage prints a usage error about fs's flags, with where to find them,
// and returns errUsage (exit code 2).
func badUsage(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), "%s: %s\nRun '%s -h' for the flags.\n", fs.Name(), fmt.Sprintf(format, args...), fs.Name())
	return errUsage
}

// closestFlag returns the name of fs's flag nearest to name: the one with
// the smallest edit distance, if that is at most a third of the name's
// length (and at least 2), or the only flag name starts with; "" if none.
func closestFlag(fs *flag.FlagSet, name string) string {
	best, bestDist := "", max(2, len(name)/3)+1
	var prefixed []string
	fs.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, name) {
			prefixed = append(prefixed, f.Name)
		}
		if d := editDistance(name, f.Name); d < bestDist {
			best, bestDist = f.Name, d
		}
	})
	if best == "" && len(prefixed) == 1 {
		best = prefixed[0]
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
