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

// exitCoder is an error that carries the process's exit status, as the
// GitHub CLI's errors do. Every error a command returns either is one or is
// cobra's own (a usage error, see Run); exitCode is the one place that maps
// an error to its code.
type exitCoder interface{ ExitCode() int }

// exitError is a failure to tell the user about: its message, hints on
// lines of their own, and its code.
type exitError struct {
	code  int
	err   error
	hints []string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }
func (e *exitError) ExitCode() int { return e.code }

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

// silentExit ends a run that worked with a code and no message, because
// the report already said everything: findings at or above --fail-on
// (exit 1), or the monitoring-plugin status of --format nagios.
type silentExit struct {
	code int
	why  string
}

func (e *silentExit) Error() string { return e.why }
func (e *silentExit) ExitCode() int { return e.code }

// findingsExit is exit 1 for n findings at or above --fail-on.
func findingsExit(n int) error {
	return &silentExit{code: ExitFindings, why: fmt.Sprintf("%d findings at or above --fail-on", n)}
}

// exitCode is the process's exit status for err: 0 for none, the code an
// exitCoder carries, else 3 (could not run).
func exitCode(err error) int {
	var ec exitCoder
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ec):
		return ec.ExitCode()
	}
	return ExitNoRun
}

// printError prints err in exdiag's voice, unless it is silent, and
// returns the exit code.
func printError(w io.Writer, err error) int {
	var se *silentExit
	if err == nil || errors.As(err, &se) {
		return exitCode(err)
	}
	var hints []string
	var ee *exitError
	if errors.As(err, &ee) {
		hints = ee.hints
	}
	fmt.Fprintf(w, "exdiag: error: %s\n", safetext.Escape(err.Error()))
	for _, hint := range hints {
		fmt.Fprintf(w, "exdiag: hint: %s\n", safetext.Escape(hint))
	}
	return exitCode(err)
}
