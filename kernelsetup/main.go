// Command kernelsetup installs the Go kernel for Jupyter that runs this
// project's notebooks: it builds GoNB, goimports and gopls at the versions
// go.mod's tool directives pin, checks that Jupyter is installed (and says
// how to get it when not), registers the kernel with `gonb --install` and
// makes the kernel find the Go tools. Running it again repairs or updates
// the installation.
//
// Usage:
//
//	go run ./kernelsetup [--bin DIR] [--jupyter PATH]
//	go run ./kernelsetup --check
//	go run ./kernelsetup --execute NOTEBOOK.ipynb [--timeout 30m] [--html]
//
// --check also executes a small notebook through `jupyter nbconvert
// --execute` and reports whether the kernel works. --execute runs every
// cell of a notebook with the installed kernel and saves the outputs into
// the notebook itself; it is how the committed notebooks get their outputs.
// With --html it also writes NOTEBOOK.html beside it: a standalone page
// with every chart embedded and long lines wrapped, for reports.
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
	"time"
)

func main() {
	opts, err := parseArgs(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kernelsetup: %v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "kernelsetup: %v\n", err)
		os.Exit(1)
	}
}

// options are the command's settings.
type options struct {
	check   bool          // run the check notebook after installing
	execute string        // notebook to execute in place; skips installing
	timeout time.Duration // per-cell timeout for --execute and --check; 0 = none
	bin     string        // where the tools go; "" = GOBIN or GOPATH/bin
	jupyter string        // jupyter to use; "" = search
	verbose bool          // show nbconvert's and the kernel's log
	html    bool          // with execute: also export the notebook as HTML
}

const usage = `Usage:
  go run ./kernelsetup [--bin DIR] [--jupyter PATH]
      Build GoNB, goimports and gopls (versions from go.mod's tool directives)
      into DIR (default: $GOBIN, else $(go env GOPATH)/bin), check Jupyter,
      and register the "gonb" kernel with Jupyter. Safe to run again.
  go run ./kernelsetup --check
      The same, then execute a small notebook with the kernel and report.
  go run ./kernelsetup --execute NOTEBOOK.ipynb [--timeout 30m] [--html]
      Execute every cell of NOTEBOOK with the installed kernel and save the
      outputs into it. --html also writes NOTEBOOK.html beside it: one
      standalone page, charts embedded, long lines wrapped.

Flags:
`

// parseArgs reads the command line.
func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("kernelsetup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	fs.BoolVar(&o.check, "check", false, "after installing, execute a small notebook to check the kernel works")
	fs.StringVar(&o.execute, "execute", "", "execute this notebook in place with the installed kernel (no installation)")
	fs.DurationVar(&o.timeout, "timeout", 0, "limit on each cell's run time for --execute and --check, e.g. 10m (default none)")
	fs.StringVar(&o.bin, "bin", "", "folder for the gonb, goimports and gopls binaries (default $GOBIN, else $(go env GOPATH)/bin)")
	fs.StringVar(&o.jupyter, "jupyter", "", "jupyter command to use (default $JUPYTER, else jupyter on PATH, else /usr/bin/jupyter)")
	fs.BoolVar(&o.verbose, "v", false, "show the log of nbconvert and of the kernel")
	fs.BoolVar(&o.html, "html", false, "with --execute: also write the executed notebook as a standalone HTML page beside it")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (notebooks to run go after --execute)", fs.Arg(0))
	}
	if o.html && o.execute == "" {
		return o, errors.New("--html goes with --execute NOTEBOOK.ipynb: it exports the executed notebook")
	}
	if o.check && o.execute != "" {
		return o, errors.New("--check and --execute cannot be used together: run them one after the other")
	}
	if o.timeout < 0 {
		return o, fmt.Errorf("--timeout %v: must not be negative", o.timeout)
	}
	if o.timeout > 0 && o.timeout < time.Second {
		return o, fmt.Errorf("--timeout %v: Jupyter counts whole seconds; give at least 1s", o.timeout)
	}
	return o, nil
}
