package cli

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// Every error maps to its code in exitCode, wrapped or not; silent exits
// print nothing, the others their message and hints.
func TestExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"none", nil, ExitOK, ""},
		{"findings", findingsExit(3), ExitFindings, ""},
		{"nagios status", &silentExit{code: 2, why: "nagios status 2"}, 2, ""},
		{"usage", usageErrorf("use --x", "bad --x %q", "y"), ExitUsage, "exdiag: error: bad --x \"y\"\nexdiag: hint: use --x\n"},
		{"could not run", runError(errors.New("no DC"), "give --ldap-url"), ExitNoRun, "exdiag: error: no DC\nexdiag: hint: give --ldap-url\n"},
		{"wrapped", fmt.Errorf("demo: %w", usageErrorf("", "bad")), ExitUsage, "exdiag: error: demo: bad\n"},
		{"any other error", errors.New("boom"), ExitNoRun, "exdiag: error: boom\n"},
	}
	for _, tt := range tests {
		var w bytes.Buffer
		if code := printError(&w, tt.err); code != tt.code || w.String() != tt.stderr {
			t.Errorf("%s: exit %d, stderr %q; want %d, %q", tt.name, code, w.String(), tt.code, tt.stderr)
		}
	}
}
