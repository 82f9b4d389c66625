package lab

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// noTempDir points the temporary folder (TMPDIR on Unix, TMP and TEMP on
// Windows) at a folder that does not exist.
func noTempDir(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	for _, k := range []string{"TMPDIR", "TMP", "TEMP"} {
		t.Setenv(k, missing)
	}
}

// A lab that cannot make its folder returns the error; it used to panic
// cleaning up after itself.
func TestStartWithoutTempDir(t *testing.T) {
	noTempDir(t)
	l, err := Start("healthy")
	if l != nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Start = %v, %v; want no lab and a missing-folder error", l, err)
	}
	h, err := StartHostile(nil)
	if h != nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("StartHostile = %v, %v; want no lab and a missing-folder error", h, err)
	}
}

// A server address no interface holds makes the TLS listeners fail: the
// error names the address, and what had started is stopped.
func TestStartListenerFails(t *testing.T) {
	sc, err := Load("healthy")
	if err != nil {
		t.Fatal(err)
	}
	const unassigned = "192.0.2.1" // TEST-NET-1 (RFC 5737): listening sends nothing
	sc.Org.Servers[0].IP = unassigned
	l, err := StartScenario(sc)
	if l != nil || err == nil {
		t.Fatalf("StartScenario = %v, %v; want an error", l, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "could not listen") || !strings.Contains(msg, unassigned) ||
		!strings.HasSuffix(msg, loopbackHint()) {
		t.Errorf("error %q: want the failed address and the loopback hint", msg)
	}
}
