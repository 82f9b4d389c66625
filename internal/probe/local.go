package probe

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/exdiag/exdiag/internal/netfail"
)

// localBackoff are the waits before trying again an exchange that failed
// for want of a resource of this machine (netfail.Local: file descriptors,
// socket buffers, local ports): the exchanges in progress end and give
// theirs back.
var localBackoff = []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}

// LocalError is this machine running out of a resource the run needs. It
// is never a finding: no server is at fault, and the run cannot judge the
// servers it could not reach. Observations.Local holds the first one.
type LocalError struct {
	Err error
	// Concurrency is the bound the run used (Config.Concurrency, lowered to
	// fit the process's file limit).
	Concurrency int
}

func (e *LocalError) Error() string {
	return fmt.Sprintf("this machine ran out of resources for new connections (%v) with %d exchanges at once", e.Err, e.Concurrency)
}

func (e *LocalError) Unwrap() error { return e.Err }

// localFailures retries exchanges that fail for a local resource and
// remembers the first that still failed.
type localFailures struct {
	concurrency int
	mu          sync.Mutex
	first       *LocalError
}

// retry runs f, and again after each wait of localBackoff while it fails
// for a local resource and ctx lasts. A local failure that remains, the
// waits or ctx over, is remembered.
func (l *localFailures) retry(ctx context.Context, f func() error) error {
	err := f()
	for _, d := range localBackoff {
		if !netfail.IsLocal(err) || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
			err = f()
		}
	}
	if netfail.IsLocal(err) {
		l.mu.Lock()
		if l.first == nil {
			l.first = &LocalError{Err: err, Concurrency: l.concurrency}
		}
		l.mu.Unlock()
	}
	return err
}

// err returns the first local failure of the run, or nil.
func (l *localFailures) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.first == nil {
		return nil
	}
	return l.first
}

// IsLocal reports whether err is (or wraps) a LocalError.
func IsLocal(err error) bool {
	var le *LocalError
	return errors.As(err, &le)
}
