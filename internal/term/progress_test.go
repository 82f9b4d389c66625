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

// While a prompt holds the progress line, the line is erased and never
// drawn, so the prompt starts on a clean line and stays visible; after the
// release drawing resumes.
func TestProgressHoldKeepsThePromptClear(t *testing.T) {
	var b syncBuffer
	p := NewProgress(&b, true)
	defer p.Done()
	p.start = time.Now().Add(-2 * time.Second)
	p.Set("reading the directory", 0, 0)
	p.draw()
	if !strings.Contains(b.String(), "exdiag: reading the directory") {
		t.Fatalf("no line drawn: %q", b.String())
	}
	release := p.Hold()
	if !strings.HasSuffix(b.String(), "\r\x1b[K") {
		t.Errorf("Hold did not erase the line: %q", b.String())
	}
	before := b.String()
	p.draw()
	p.Set("tls", 1, 2)
	p.draw()
	if b.String() != before {
		t.Errorf("drawn while held: %q", strings.TrimPrefix(b.String(), before))
	}
	release()
	release() // idempotent: a second call must not release another hold
	p.draw()
	if !strings.Contains(strings.TrimPrefix(b.String(), before), "exdiag: tls 1/2") {
		t.Errorf("not drawn after release: %q", strings.TrimPrefix(b.String(), before))
	}
	if p.held != 0 {
		t.Errorf("held = %d after one hold and two releases", p.held)
	}
	var off syncBuffer
	q := NewProgress(&off, false)
	q.Hold()()
	if off.String() != "" {
		t.Errorf("a progress that is off wrote %q", off.String())
	}
	var nilProgress *Progress
	nilProgress.Hold()()
}

// A password prompt asked through Prompting starts on a clean line and
// sees no progress drawn while it waits.
func TestProgressPrompting(t *testing.T) {
	var b syncBuffer
	p := NewProgress(&b, true)
	defer p.Done()
	p.start = time.Now().Add(-2 * time.Second)
	p.Set("reading the directory", 0, 0)
	p.draw()
	ask := p.Prompting(func(prompt string) (string, error) {
		if !strings.HasSuffix(b.String(), "\r\x1b[K") {
			t.Errorf("the prompt does not start on a clean line: %q", b.String())
		}
		b.Write([]byte(prompt))
		p.draw()
		if !strings.HasSuffix(b.String(), prompt) {
			t.Errorf("the progress line was drawn over the prompt: %q", b.String())
		}
		return "secret", nil
	})
	if pw, err := ask("Password for CONTOSO\\helpdesk: "); pw != "secret" || err != nil {
		t.Errorf("ask = %q, %v", pw, err)
	}
	if p.held != 0 {
		t.Errorf("still held after the prompt: %d", p.held)
	}
}
