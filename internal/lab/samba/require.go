package samba

import (
	"os"
	"strconv"
	"testing"
)

// RequireVar names the variable that makes the tier mandatory: with
// EXDIAG_REQUIRE_SAMBA=1 (.ci/run sets it) a machine that cannot run the
// DC fails the tier instead of skipping it. The generic CI variable plays
// no part: a CI system that does not set RequireVar still runs the tier
// when the machine can, and says why not when it cannot.
const RequireVar = "EXDIAG_REQUIRE_SAMBA"

// Required reports whether RequireVar is set to a true value.
func Required() bool {
	on, _ := strconv.ParseBool(os.Getenv(RequireVar))
	return on
}

// Problem says why this machine cannot run the tier, or "" when it can:
// Linux, Samba's programs, root, and a network namespace of its own.
func Problem() string { return problem() }

// Require skips the test with one line when this machine cannot run the
// DC, or fails it when Required.
func Require(t testing.TB) {
	t.Helper()
	p := problem()
	if p == "" {
		return
	}
	if Required() {
		t.Fatalf("samba tier: %s; %s=%s requires this tier", p, RequireVar, os.Getenv(RequireVar))
	}
	t.Skipf("SKIPPED: Samba AD DC tier (%s); %s=1 makes this a failure", p, RequireVar)
}

// RunIsolated runs the tier's tests (run is TestMain's body, returning
// the exit code) in a network namespace of their own when the machine can
// run the tier: the test binary runs again inside a new namespace whose
// loopback only it and the DC it starts use, so the DC's fixed ports (88,
// 389, 636 on 127.0.0.1) meet no other server, two runs on one machine
// cannot collide, and nothing can reach beyond loopback. Otherwise run
// runs here, and Require skips or fails each test.
func RunIsolated(run func() int) int { return runIsolated(run) }
