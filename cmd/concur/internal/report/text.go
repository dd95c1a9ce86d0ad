package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteHeader prints the report's title, machine, scope and warnings.
func WriteHeader(w io.Writer, v View) {
	fmt.Fprintf(w, "%s\n", v.Title)
	if v.Machine != "" {
		fmt.Fprintf(w, "machine: %s\n", v.Machine)
	}
	for _, s := range v.Scope {
		fmt.Fprintf(w, "%s\n", s)
	}
	for _, s := range v.Warnings {
		fmt.Fprintf(w, "WARNING: %s\n", s)
	}
	fmt.Fprintln(w)
}

// WriteSection prints one section: table, fits, verdict, evidence, caveats.
func WriteSection(w io.Writer, s Section) {
	fmt.Fprintf(w, "== %s", s.Name)
	if s.Desc != "" {
		fmt.Fprintf(w, ": %s", s.Desc)
	}
	fmt.Fprintln(w)
	if s.Hypothesis != "" {
		fmt.Fprintf(w, "built to show: %s\n", s.Hypothesis)
	}
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, c := range s.Columns {
		fmt.Fprintf(tw, "%s\t", c)
	}
	fmt.Fprintln(tw)
	for _, r := range s.Rows {
		for _, c := range r {
			fmt.Fprintf(tw, "%s\t", c)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, line := range strings.SplitAfter(table.String(), "\n") {
		// The cells end in tabs, which pad the last one; trim that.
		if t := strings.TrimRight(line, " \n"); t != "" {
			fmt.Fprintln(w, t)
		}
	}
	for _, f := range s.Fits {
		fmt.Fprintln(w, f)
	}
	fmt.Fprintf(w, "=> %s\n", s.Verdict)
	for _, e := range s.Evidence {
		fmt.Fprintf(w, "   evidence %s\n", e)
	}
	for _, c := range s.Caveats {
		fmt.Fprintf(w, "   caveat: %s\n", c)
	}
	fmt.Fprintln(w)
}

// WriteFooter prints the notes.
func WriteFooter(w io.Writer, v View) {
	for _, n := range v.Notes {
		fmt.Fprintln(w, n)
	}
}

// WriteText prints the whole view.
func WriteText(w io.Writer, v View) {
	WriteHeader(w, v)
	for _, s := range v.Sections {
		WriteSection(w, s)
	}
	WriteFooter(w, v)
}
