package samba

import (
	"os"
	"strconv"
	"testing"
)

// Require skips the test with one line when this machine cannot run the DC
// (Samba missing, not root, not Linux). With CI set (CI=true) it fails the
// test instead: CI must run the tier.
func Require(t testing.TB) {
	t.Helper()
	p := problem()
	if p == "" {
		return
	}
	if InCI() {
		t.Fatalf("samba tier: %s; CI=%s requires this tier", p, os.Getenv("CI"))
	}
	t.Skipf("samba tier: %s; skipping", p)
}

// InCI reports whether the CI environment variable is set to a true value.
func InCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}
