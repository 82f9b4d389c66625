package term

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestProgressOffWritesNothing(t *testing.T) {
	var b syncBuffer
	p := NewProgress(&b, false)
	p.Set("tls", 1, 2)
	p.Done()
	if b.String() != "" {
		t.Errorf("progress off wrote %q", b.String())
	}
}

// A run longer than a second gets a line, and the line is erased at the end.
func TestProgressDrawsAndErases(t *testing.T) {
	var b syncBuffer
	p := NewProgress(&b, true)
	p.start = time.Now().Add(-2 * time.Second) // as if the run had started two seconds ago
	p.Set("tls", 5, 10)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(b.String(), "exdiag: tls 5/10") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	p.Done()
	out := b.String()
	if !strings.Contains(out, "exdiag: tls 5/10, ") {
		t.Fatalf("no progress line: %q", out)
	}
	if !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("line not erased at the end: %q", out)
	}
	p.Done() // idempotent
}

// A held progress line is erased and not drawn again until released, so
// that a password prompt stays on the screen while the user types.
func TestProgressHold(t *testing.T) {
	var b syncBuffer
	p := NewProgress(&b, true)
	defer p.Done()
	p.start = time.Now().Add(-2 * time.Second)
	p.Set("reading the directory", 0, 0)
	p.draw()
	release := p.Hold()
	if !strings.HasSuffix(b.String(), "s\x1b[K\r\x1b[K") {
		t.Fatalf("line not erased by Hold: %q", b.String())
	}
	held := b.String()
	p.draw()
	if b.String() != held {
		t.Errorf("drawn while held: %q", strings.TrimPrefix(b.String(), held))
	}
	release()
	release() // idempotent
	p.draw()
	if !strings.Contains(strings.TrimPrefix(b.String(), held), "exdiag: reading the directory") {
		t.Errorf("not drawn after release: %q", strings.TrimPrefix(b.String(), held))
	}
	var nilProgress *Progress
	nilProgress.Hold()()
}
