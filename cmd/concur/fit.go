package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/concurkit/concur/cmd/concur/internal/report"
	"github.com/concurkit/concur/scale"
)

func runFit(args []string, e env) (err error) {
	fs := flag.NewFlagSet("fit", flag.ContinueOnError)
	out := fs.String("out", "", "also write an HTML report to this file")
	cores := fs.Int("cores", 0, "N counts goroutines or threads on a machine of this many processors (0: N counts independent units, e.g. clients)")
	synopsis := "[-cores P] [-out report.html] FILE.csv|-\n\n" +
		"Analyses measurements from a CSV file (- reads stdin) whose header names two columns:\n" +
		"the concurrency and the throughput; the second name is the unit (e.g. clients,req/s).\n" +
		"Rows with the same N are repetitions."
	if help, err := parseFlags(fs, synopsis, args, e.stdout); help || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("fit: needs one CSV file with a two-column header, or - for stdin")
	}
	if *cores < 0 {
		return errors.New("fit: -cores must not be negative")
	}
	o, err := createOutput(*out)
	if err != nil {
		return fmt.Errorf("fit: -out: %w", err)
	}
	var v report.View
	defer o.finish(&err, e.stderr, func(w io.Writer) error { return report.WriteHTML(w, v) })
	name := fs.Arg(0)
	in, err := openInput(name, e.stdin)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	defer in.Close()
	if name == "-" {
		name = "stdin"
	}
	unit, samples, err := readCSV(in, name, *cores)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	a, err := scale.Analyze(samples)
	if err != nil {
		return fmt.Errorf("fit: %s: %w", name, err)
	}
	kind := "units"
	if *cores > 0 {
		kind = "goroutines"
	}
	v = report.View{Title: "concur fit: measurements from " + name, Notes: report.Notes}
	if *cores > 0 {
		v.Scope = []string{fmt.Sprintf("N counts goroutines on %d processors: only N ≤ %d measures scaling.", *cores, *cores)}
	} else {
		v.Scope = []string{"N counts independent units (clients, machines): every level measures scaling; pass -cores P if N counts goroutines on P processors."}
	}
	v.Sections = []report.Section{report.NewSection(report.Input{Name: filepath.Base(name), Unit: unit, Analysis: a, NKind: kind})}
	report.WriteText(e.stdout, v)
	return nil
}

// readCSV reads a header naming two columns and then one measurement per
// record; records with the same N are repetitions of one level. With cores
// > 0 a level of N has min(N, cores) processors.
func readCSV(r io.Reader, name string, cores int) (unit string, samples []scale.Sample, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 2
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	head, err := cr.Read()
	if err == io.EOF {
		return "", nil, fmt.Errorf("%s: empty, want a header naming two columns, e.g. N,X", name)
	}
	if err != nil {
		return "", nil, csvErr(name, err)
	}
	for i := range head {
		head[i] = strings.TrimSpace(head[i])
	}
	if _, err := strconv.ParseFloat(head[0], 64); err == nil {
		return "", nil, fmt.Errorf("%s:1: first line %q is data; it must be a header naming the two columns, e.g. N,X", name, strings.Join(head, ","))
	}
	index := map[float64]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, csvErr(name, err)
		}
		line, _ := cr.FieldPos(0)
		var v [2]float64
		for i, s := range rec {
			v[i], err = strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return "", nil, fmt.Errorf("%s:%d: %s is not a number: %q", name, line, head[i], s)
			}
		}
		i, ok := index[v[0]]
		if !ok {
			i = len(samples)
			index[v[0]] = i
			s := scale.Sample{N: v[0]}
			if cores > 0 {
				s.Procs = min(v[0], float64(cores))
			}
			samples = append(samples, s)
		}
		samples[i].X = append(samples[i].X, v[1])
	}
	if len(samples) == 0 {
		return "", nil, fmt.Errorf("%s: no measurements after the header", name)
	}
	return head[1], samples, nil
}

// csvErr reports a CSV syntax error as file:line: what, keeping the chain.
func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %w", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}
