package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io/fs"
	"testing"

	"github.com/concurkit/concur/scale"
)

// TestErrorChains: the errors the commands return keep their causes, so a
// caller can test them with errors.Is, and the one line printed names the
// file (and line) at fault.
func TestErrorChains(t *testing.T) {
	for _, tc := range []struct {
		args []string
		in   string
		want error
		line string
	}{
		{[]string{"fit", "testdata/no-such.csv"}, "", fs.ErrNotExist, "testdata/no-such.csv"},
		{[]string{"fit", "testdata/malformed.csv"}, "", csv.ErrFieldCount, "testdata/malformed.csv:"},
		{[]string{"fit", "-"}, "N,X\n1,0\n2,3\n", scale.ErrNonPositive, "stdin"},
		{[]string{"scale", "-out", "", "-in", "testdata/no-such.txt"}, "", fs.ErrNotExist, "testdata/no-such.txt"},
	} {
		var o, e bytes.Buffer
		err := run(tc.args, testEnv(tc.in, &o, &e, nil))
		if !errors.Is(err, tc.want) {
			t.Errorf("%v: error %v does not wrap %v", tc.args, err, tc.want)
		}
		if err != nil && !bytes.Contains([]byte(errorLine(err)), []byte(tc.line)) {
			t.Errorf("%v: %q does not name %q", tc.args, errorLine(err), tc.line)
		}
	}
}
