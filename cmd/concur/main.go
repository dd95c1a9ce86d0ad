package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/concurkit/concur/cmd/concur/internal/experiments"
)

// stdin is where "-" reads from; tests replace it.
var stdin io.Reader = os.Stdin

func main() {
	experiments.RunChildIfAsked() // the lab's process experiments re-execute this binary
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, errorLine(err))
		os.Exit(1)
	}
}

// errorLine formats err as the single line main prints.
func errorLine(err error) string {
	return "concur: " + strings.Join(strings.Fields(err.Error()), " ")
}

const usage = `usage: concur <command> [flags] [arguments]

Commands:
  lab    measure the built-in workloads and explain how they scale
  scale  run go benchmarks at several GOMAXPROCS values and fit them
  fit    fit N,X pairs from a CSV file

Run concur <command> -h for the flags of a command.
`

// run executes the command line args (without the program name); it is
// main without the process: output goes to stdout and stderr and failure is
// an error, so the tests can call it.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("needs a command: lab, scale or fit")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "lab":
		return runLab(args[1:], stdout, stderr)
	case "scale":
		return runScale(args[1:], stdout, stderr)
	case "fit":
		return runFit(args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown command %q (want lab, scale or fit)", args[0])
}

// parseFlags parses args into fs. With -h it prints the usage to stdout and
// reports help = true; a bad flag is an error naming the command.
func parseFlags(fs *flag.FlagSet, synopsis string, args []string, stdout io.Writer) (help bool, err error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: concur %s %s\n\nFlags:\n", fs.Name(), synopsis)
		fs.PrintDefaults()
	}
	err = fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s: %v", fs.Name(), err)
	}
	return false, nil
}

// openInput opens a file name, or stdin for "-".
func openInput(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(stdin), nil
	}
	return os.Open(name)
}
