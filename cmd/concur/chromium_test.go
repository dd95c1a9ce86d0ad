package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHTMLInChromium renders the lab's report in headless Chromium, when it
// is installed, and checks that the page a browser builds carries every
// statement of the text output.
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("no headless Chromium installed")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "lab.html")
	stdout, stderr, errLine := runWith(t, []string{"lab", "-out", page}, "", fakeWorkloads())
	if errLine != "" {
		t.Fatalf("%s\n%s", errLine, stderr)
	}
	// A browser that fails to start on a loaded machine says nothing about
	// the page: try twice, then skip with what it printed.
	var dom []byte
	for attempt := range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, browser, "--headless=new", "--no-sandbox", "--disable-gpu",
			"--user-data-dir="+filepath.Join(dir, fmt.Sprint("profile", attempt)), "--dump-dom", "file://"+page)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		out, err := cmd.Output()
		cancel()
		if err == nil {
			dom = out
			break
		}
		t.Logf("%s: %v\n%s", browser, err, errOut.String())
	}
	if dom == nil {
		t.Skip("the browser did not run")
	}
	if !strings.Contains(string(dom), "<svg") {
		t.Fatalf("the browser built no chart:\n%.500s", dom)
	}
	sameStatements(t, stdout, string(dom))
}
