package reporttest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// RequireChromiumEnv, set to 1 (CI sets it in .ci/run), makes a missing
// Chromium a test failure instead of a skip.
const RequireChromiumEnv = "EXDIAG_REQUIRE_CHROMIUM"

// ArtifactsEnv names a folder where browser tests keep their screenshots
// (CI keeps it as a build artefact); without it they go to a temporary
// folder.
const ArtifactsEnv = "EXDIAG_ARTIFACTS"

// Browser is a headless Chromium, found on PATH.
type Browser struct {
	path string
	t    testing.TB
}

// Chromium finds Chromium (Debian's chromium package, or Chrome). Without
// one it skips the test with one loud line, or fails it when
// EXDIAG_REQUIRE_CHROMIUM=1.
func Chromium(t testing.TB) *Browser {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return &Browser{path: p, t: t}
		}
	}
	if os.Getenv(RequireChromiumEnv) == "1" {
		t.Fatalf("Chromium is not installed and %s=1: install Debian's chromium package", RequireChromiumEnv)
	}
	t.Skip("SKIPPED: no Chromium on PATH, so the HTML report was not checked in a browser (apt-get install chromium)")
	return nil
}

// run starts the browser headless on file with args, in a profile of its
// own, with everything that could reach the network turned off.
func (b *Browser) run(file string, args ...string) []byte {
	b.t.Helper()
	// A guard against a browser that never exits, not a timed assertion.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	flags := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + b.t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, b.path, append(append(flags, args...), "file://"+file)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		b.t.Fatalf("%s: %v\n%s", b.path, err, stderr.String())
	}
	return stdout.Bytes()
}

// DumpDOM loads file and returns the DOM as the browser built it.
func (b *Browser) DumpDOM(file string) []byte {
	b.t.Helper()
	return b.run(file, "--dump-dom")
}

// Screenshot loads file and writes a PNG of it, width×height pixels, named
// name in the artefacts folder; it returns the PNG's path.
func (b *Browser) Screenshot(file, name string, width, height int) string {
	b.t.Helper()
	dir := os.Getenv(ArtifactsEnv)
	if dir == "" {
		dir = b.t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	out, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		b.t.Fatal(err)
	}
	b.run(file, "--hide-scrollbars", fmt.Sprintf("--window-size=%d,%d", width, height), "--screenshot="+out)
	png, err := os.ReadFile(out)
	if err != nil {
		b.t.Fatalf("no screenshot: %v", err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		b.t.Fatalf("%s is not a PNG", out)
	}
	return out
}
