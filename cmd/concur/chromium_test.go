package main

import (
	"context"
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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless=new", "--no-sandbox", "--disable-gpu",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+page)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", browser, err)
	}
	if !strings.Contains(string(dom), "<svg") {
		t.Fatalf("the browser built no chart:\n%.500s", dom)
	}
	sameStatements(t, stdout, string(dom))
}
