package cli

import (
	"fmt"
	"strings"
	"sync"
)

// ExitInterrupted is the exit code after Ctrl+C: 128 + SIGINT, as shells
// report a process that SIGINT ended.
const ExitInterrupted = 130

// runState remembers how far a check got, so that an interrupted run says
// what was done before it stopped. Progress callbacks update it from the
// prober's goroutines.
type runState struct {
	mu            sync.Mutex
	phase         string
	done, total   int
	urls, servers int
	readDirectory bool
}

// phaseWords say what the prober's phases do.
var phaseWords = map[string]string{"dns": "looking up host names", "tls": "connecting to the endpoints"}

// set records the current phase; it has the signature of a progress callback.
func (r *runState) set(phase string, done, total int) {
	r.mu.Lock()
	r.phase, r.done, r.total = phase, done, total
	r.mu.Unlock()
}

// read records what the directory gave.
func (r *runState) read(urls, servers int) {
	r.mu.Lock()
	r.urls, r.servers, r.readDirectory = urls, servers, true
	r.mu.Unlock()
}

// interrupted is the error of a run cut short by Ctrl+C: exit 130, saying
// what was done.
func (r *runState) interrupted() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var done []string
	if r.readDirectory {
		done = append(done, "read "+count(r.urls, "URL")+" of "+count(r.servers, "server")+" from the directory")
	}
	where := "interrupted"
	if r.phase != "" {
		phase := r.phase
		if w, ok := phaseWords[phase]; ok {
			phase = w
		}
		where += " while " + phase
		if r.total > 0 {
			where += fmt.Sprintf(" (%d of %d done)", r.done, r.total)
		}
	}
	msg := where
	if len(done) > 0 {
		msg += " after it " + strings.Join(done, ", ")
	}
	return &exitError{code: ExitInterrupted, err: fmt.Errorf("%s", msg),
		hints: []string{"nothing was changed and no report was written; run exdiag check again to finish"}}
}
