package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
)

func main() {
	if err := run(os.Args[1:], defaultEnv()); err != nil {
		fmt.Fprintln(os.Stderr, errorLine(err))
		os.Exit(1)
	}
}

// env is everything a command touches outside its arguments, so that tests
// inject it: the standard streams, the lab's workloads and the machine.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	workloads      func() []lab.Workload
	machine        func() lab.Machine
}

func defaultEnv() env {
	return env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		workloads: lab.Builtin,
		machine:   func() lab.Machine { return lab.DetectMachine(time.Now()) },
	}
}

// errorLine formats err as the single line main prints.
func errorLine(err error) string {
	return "concur: " + strings.Join(strings.Fields(err.Error()), " ")
}

const usage = `usage: concur <command> [flags] [arguments]

Commands:
  lab      measure the built-in workloads and explain how they scale
  scale    run go benchmarks at several GOMAXPROCS values and analyse them
  fit      analyse measurements from a two-column CSV file (N and throughput)
  version  print the version of concur and of Go

Run concur <command> -h for the flags of a command.
`

// run executes the command line args (without the program name); it is
// main without the process, so the tests can call it.
func run(args []string, e env) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return errors.New("needs a command: lab, scale, fit or version")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, usage)
		return nil
	case "lab":
		return runLab(args[1:], e)
	case "scale":
		return runScale(args[1:], e)
	case "fit":
		return runFit(args[1:], e)
	case "version":
		return runVersion(args[1:], e)
	}
	return fmt.Errorf("unknown command %q (want lab, scale, fit or version)", args[0])
}

func runVersion(args []string, e env) error {
	if len(args) > 0 {
		return fmt.Errorf("version: unexpected argument %q", args[0])
	}
	m := e.machine()
	fmt.Fprintf(e.stdout, "concur %s, %s %s\n", m.Module, m.GoVersion, m.OSArch)
	return nil
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
		return false, fmt.Errorf("%s: %w", fs.Name(), err)
	}
	return false, nil
}

// openInput opens a file name, or stdin for "-".
func openInput(name string, stdin io.Reader) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(stdin), nil
	}
	return os.Open(name)
}

// output is the HTML report file, created before the measuring starts so
// that a bad path fails at once, and removed again if the command fails so
// that no empty or partial report is left behind.
type output struct {
	path string
	f    *os.File
}

// createOutput creates path; "" gives an output that writes nothing.
func createOutput(path string) (*output, error) {
	if path == "" {
		return &output{}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &output{path: path, f: f}, nil
}

// finish writes the report with write and closes the file; on any error,
// including *failed (the command's own), the file is removed.
func (o *output) finish(failed *error, stderr io.Writer, write func(io.Writer) error) {
	if o.f == nil {
		return
	}
	if *failed == nil {
		*failed = write(o.f)
	}
	if err := o.f.Close(); *failed == nil && err != nil {
		*failed = err
	}
	if *failed != nil {
		os.Remove(o.path)
		return
	}
	fmt.Fprintf(stderr, "concur: report written to %s\n", o.path)
}
