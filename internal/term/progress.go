package term

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress draws one status line on a terminal ("exdiag: tls 1234/2000,
// 3.2s") for runs longer than a second, and erases it when done. Its zero
// value, or one made with on=false, draws nothing.
type Progress struct {
	mu     sync.Mutex
	w      io.Writer
	on     bool
	start  time.Time
	phase  string
	done   int
	total  int
	drawn  bool
	held   int // Hold calls not yet released: draw nothing
	stop   chan struct{}
	closed sync.Once
	wg     sync.WaitGroup
}

// NewProgress starts a progress line on w when on is true. Decide on with
// StderrTTY and the output format: never on a pipe, never for a machine format.
func NewProgress(w io.Writer, on bool) *Progress {
	p := &Progress{w: w, on: on, start: time.Now(), stop: make(chan struct{})}
	if on {
		p.wg.Go(p.loop)
	}
	return p
}

// Set records where the run is; safe from any goroutine and cheap.
func (p *Progress) Set(phase string, done, total int) {
	if p == nil || !p.on {
		return
	}
	p.mu.Lock()
	p.phase, p.done, p.total = phase, done, total
	p.mu.Unlock()
}

func (p *Progress) loop() {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.draw()
		}
	}
}

func (p *Progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := time.Since(p.start)
	if elapsed < time.Second || p.phase == "" || p.held > 0 {
		return
	}
	line := fmt.Sprintf("exdiag: %s", p.phase)
	if p.total > 0 {
		line += fmt.Sprintf(" %d/%d", p.done, p.total)
	}
	line += fmt.Sprintf(", %.1fs", elapsed.Seconds())
	// \r returns to the start of the line; \x1b[K erases what the last,
	// longer line left (Windows Terminal and conhost with VT processing).
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
	p.drawn = true
}

// Hold erases the line and draws nothing until the returned release is
// called, so a prompt written meanwhile starts on a clean line and is never
// overwritten while the user types. Holds nest; release is idempotent.
func (p *Progress) Hold() (release func()) {
	if p == nil || !p.on {
		return func() {}
	}
	p.mu.Lock()
	p.held++
	p.erase()
	p.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			p.held--
			p.mu.Unlock()
		})
	}
}

// Prompting wraps a prompt (ReadPassword) so that it asks while the line
// is held: the prompt starts on a clean line and is not drawn over while
// the user types.
func (p *Progress) Prompting(ask func(prompt string) (string, error)) func(string) (string, error) {
	return func(prompt string) (string, error) {
		release := p.Hold()
		defer release()
		return ask(prompt)
	}
}

// erase removes a drawn line; p.mu is held.
func (p *Progress) erase() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// Done stops drawing and erases the line, before the report is written.
func (p *Progress) Done() {
	if p == nil || !p.on {
		return
	}
	p.closed.Do(func() {
		close(p.stop)
		p.wg.Wait()
		p.mu.Lock()
		defer p.mu.Unlock()
		p.erase()
	})
}
