package wine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The patches apply to the Go in use: a Go update that moves the patched
// code fails here, in every test run, not only in the Wine tier.
func TestOverlayAppliesToThisGo(t *testing.T) {
	goroot, err := goEnv("GOROOT")
	if err != nil {
		t.Fatal(err)
	}
	version, err := goEnv("GOVERSION")
	if err != nil {
		t.Fatal(err)
	}
	overlay, err := writeOverlay(goroot, version, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(overlay)
	if err != nil {
		t.Fatal(err)
	}
	var o struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &o); err != nil || len(o.Replace) != len(patches) {
		t.Fatalf("overlay %s: %v, %d files, want %d", data, err, len(o.Replace), len(patches))
	}
	for _, p := range patches {
		patched, err := os.ReadFile(o.Replace[filepath.Join(goroot, "src", filepath.FromSlash(p.file))])
		if err != nil || !strings.Contains(string(patched), p.new) || strings.Contains(string(patched), p.old) {
			t.Errorf("%s: not patched (%v)", p.file, err)
		}
	}
}

// A GOROOT where a patched passage has changed makes the overlay fail,
// naming the file, the Go version and why the patch exists.
func TestOverlayFailsLoudly(t *testing.T) {
	goroot := t.TempDir()
	for _, p := range patches {
		f := filepath.Join(goroot, "src", filepath.FromSlash(p.file))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte("package x // "+p.file+" rewritten by a newer Go\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := writeOverlay(goroot, "go9.99", t.TempDir())
	if err == nil {
		t.Fatal("no error for patches that do not apply")
	}
	for _, want := range []string{patches[0].file, "go9.99", "no longer applies", patches[0].why} {
		if !strings.Contains(err.Error(), filepath.FromSlash(want)) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
