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

// errUsage marks an error whose message the flag package already printed.
var errUsage = errors.New("usage error")

// parseFlags parses args with fs, whose errors the flag package has already
// printed: it returns flag.ErrHelp for -h, errUsage for a bad flag, and
// errUsage too when positional arguments are left and noArgs is set.
func parseFlags(fs *flag.FlagSet, args []string, noArgs bool) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	if noArgs && fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected arguments %q\n", fs.Name(), fs.Args())
		return errUsage
	}
	return nil
}
