package cli

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
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

// An error quoting a hostile value (a DC's error text, a name in the
// directory) stays on one line, with line breaks, escapes and bidi controls
// shown as escapes: it cannot add a line or reorder what the admin reads.
func TestErrorLinesAreEscaped(t *testing.T) {
	var b bytes.Buffer
	err := runError(errors.New("bind failed: \x1b[2Jcleared\r\nexdiag: hint: run rm -rf\u202e"), "check the \u2066account\u2069")
	printError(&b, err)
	out := b.String()
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("%d lines, want 2:\n%s", n, out)
	}
	for _, bad := range []string{"\x1b", "\r", "\u202e", "\u2066", "\u2069"} {
		if strings.Contains(out, bad) {
			t.Errorf("output holds %q raw:\n%q", bad, out)
		}
	}
	if !strings.Contains(out, `\u202e`) || !strings.Contains(out, `\x1b[2J`) {
		t.Errorf("unsafe characters not shown as escapes: %q", out)
	}
}
