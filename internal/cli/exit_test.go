package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

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
