package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/exdiag/exdiag/internal/safetext"
)

// Exit codes, the same in every --format. They are printed by `check --help`.
const (
	ExitOK       = 0 // checks ran; nothing at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitUsage    = 2 // bad flag, argument or value
	ExitNoRun    = 3 // could not run at all (unreadable --ca-file, directory unreachable, ...)
)

// exitError carries an exit code and hints to Main, its only reader.
type exitError struct {
	code  int
	err   error
	hints []string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf is a bad flag or value: exit 2.
func usageErrorf(hint, format string, a ...any) error {
	e := &exitError{code: ExitUsage, err: fmt.Errorf(format, a...)}
	if hint != "" {
		e.hints = []string{hint}
	}
	return e
}

// runError means exdiag could not run at all: exit 3.
func runError(err error, hints ...string) error {
	return &exitError{code: ExitNoRun, err: err, hints: hints}
}

// findingsError means the run worked and found problems: exit 1, no message.
type findingsError struct{ n int }

func (e *findingsError) Error() string { return fmt.Sprintf("%d findings at or above --fail-on", e.n) }

// statusError exits with a code chosen by the format (Nagios's plugin
// status), silently: the report already said everything.
type statusError struct{ code int }

func (e *statusError) Error() string { return fmt.Sprintf("status %d", e.code) }

// hinter is implemented by errors from other packages that know what the
// user should do next (ad.Error).
type hinter interface{ Hint() string }

// printError prints err in exdiag's voice and returns the exit code.
func printError(w io.Writer, err error) int {
	if err == nil {
		return ExitOK
	}
	var fe *findingsError
	if errors.As(err, &fe) {
		return ExitFindings
	}
	var se *statusError
	if errors.As(err, &se) {
		return se.code
	}
	code, hints := ExitNoRun, []string(nil)
	var ee *exitError
	if errors.As(err, &ee) {
		code, hints = ee.code, ee.hints
	}
	var h hinter
	if errors.As(err, &h) && h.Hint() != "" {
		hints = append(hints, h.Hint())
	}
	fmt.Fprintf(w, "exdiag: error: %s\n", safetext.Escape(err.Error()))
	for _, hint := range hints {
		fmt.Fprintf(w, "exdiag: hint: %s\n", safetext.Escape(hint))
	}
	return code
}
