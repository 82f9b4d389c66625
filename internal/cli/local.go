package cli

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/exdiag/exdiag/internal/probe"
)

// localHint says what to change when this machine ran out of resources
// for connections (probe.LocalError): exdiag judges no server on a run
// that could not reach them all.
func localHint(err error) string {
	n := 0
	var le *probe.LocalError
	if errors.As(err, &le) {
		n = le.Concurrency
	}
	lower := fmt.Sprintf("lower --concurrency (this run used %d)", n)
	if runtime.GOOS == "windows" {
		return "close programs holding many connections, or " + lower
	}
	return "raise the limit on open files (ulimit -n), or " + lower
}
