package cli

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// stats prints, with --stats, one line per phase of a check to stderr:
//
//	exdiag: stats: phase=discovery seconds=0.213 searches=7 pages=9
//
// readable by people and by the benchmark (key=value pairs).
type stats struct {
	on    bool
	w     io.Writer
	start time.Time
}

// phase reports the time since the previous phase ended.
func (s *stats) phase(name string, kv ...any) {
	if s.start.IsZero() {
		s.start = time.Now()
	}
	s.phaseTime(name, time.Since(s.start), kv...)
	s.reset()
}

// reset starts timing the next phase now.
func (s *stats) reset() { s.start = time.Now() }

// phaseTime reports a phase whose duration was measured elsewhere.
func (s *stats) phaseTime(name string, d time.Duration, kv ...any) {
	if !s.on {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "exdiag: stats: phase=%s seconds=%.3f", name, d.Seconds())
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, " %v=%v", kv[i], kv[i+1])
	}
	fmt.Fprintln(s.w, b.String())
}
