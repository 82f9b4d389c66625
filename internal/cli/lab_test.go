package cli

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/term"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// `exdiag lab` keeps the lab up and prints a check command that works: the
// test runs the printed command against it, then stops the lab.
func TestLabPrintsAWorkingCheckCommand(t *testing.T) {
	io, _, _ := term.Test("", nil)
	var out lockedBuffer
	io.Out = &out
	f := &Factory{IO: io, Now: time.Now, Version: "test"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- Run(ctx, f, []string{"lab", "--scenario", "kb2710606"}) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "ldapsearch") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	printed := out.String()
	var checkLine string
	for _, l := range strings.Split(printed, "\n") {
		if strings.Contains(l, "| exdiag check ") {
			checkLine = strings.TrimSpace(l)
		}
	}
	if checkLine == "" {
		cancel()
		t.Fatalf("no check command printed:\n%s", printed)
	}
	_, cmdline, _ := strings.Cut(checkLine, "| exdiag ")
	args := shellSplit(t, cmdline)
	stdout, stderr, code := runCLI(t, "exdiag-lab\n", append(args, "--format", "json")...)
	if code != ExitFindings || !strings.Contains(stdout, `"code":"principal-name-mismatch"`) {
		t.Errorf("the printed command gave exit %d and no principal-name-mismatch:\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(printed, "LDAPTLS_CACERT=") || !strings.Contains(printed, "--ldif ") {
		t.Errorf("lab output lacks the ldapsearch or --ldif commands:\n%s", printed)
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("exdiag lab exited %d after Ctrl+C, want 0", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("exdiag lab did not stop when cancelled")
	}
}

// shellSplit splits a POSIX command line of plain words and single-quoted
// strings, as shellJoin writes them.
func shellSplit(t *testing.T, s string) []string {
	t.Helper()
	var args []string
	var cur strings.Builder
	inQuote, started := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote && c == '\'':
			inQuote = false
		case inQuote:
			cur.WriteByte(c)
		case c == '\'':
			inQuote, started = true, true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			started = true
		case c == ' ':
			if started {
				args = append(args, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteByte(c)
			started = true
		}
	}
	if inQuote {
		t.Fatalf("unbalanced quotes in %q", s)
	}
	if started {
		args = append(args, cur.String())
	}
	return args
}
