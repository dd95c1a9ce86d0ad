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

	"github.com/concurkit/concur/scale"
)

func runFit(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fit", flag.ContinueOnError)
	out := fs.String("out", "", "also write an HTML report to this file")
	if help, err := parseFlags(fs, "[-out report.html] FILE.csv|-\n\nFits N,X pairs (a CSV file with the header N,X; - reads stdin).", args, stdout); help || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("fit: needs one CSV file with the header N,X, or - for stdin")
	}
	name := fs.Arg(0)
	f, err := openInput(name)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	defer f.Close()
	if name == "-" {
		name = "stdin"
	}
	pts, err := readCSV(f, name)
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	a, err := analyse(series{name: filepath.Base(name), unit: "X", points: pts})
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	a.writeText(stdout)
	if *out != "" {
		if err := writeReport(*out, "concur fit", "Measurements from "+name, []*analysis{a}); err != nil {
			return fmt.Errorf("fit: %w", err)
		}
		fmt.Fprintf(stderr, "concur: report written to %s\n", *out)
	}
	return nil
}

// readCSV reads the header N,X and then one point per record.
func readCSV(r io.Reader, name string) ([]scale.Point, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 2
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	head, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty, want a header N,X", name)
	}
	if err != nil {
		return nil, csvErr(name, err)
	}
	if !strings.EqualFold(strings.TrimSpace(head[0]), "N") || !strings.EqualFold(strings.TrimSpace(head[1]), "X") {
		return nil, fmt.Errorf("%s:1: header is %q, want N,X", name, strings.Join(head, ","))
	}
	var pts []scale.Point
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(name, err)
		}
		line, _ := cr.FieldPos(0)
		var v [2]float64
		for i, s := range rec {
			v[i], err = strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %s is not a number: %q", name, line, head[i], s)
			}
		}
		pts = append(pts, scale.Point{N: v[0], X: v[1]})
	}
	return pts, nil
}

// csvErr reports a CSV syntax error as file:line: what.
func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %v", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %v", name, err)
}
