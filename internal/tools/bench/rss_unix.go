//go:build linux || darwin

package main

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSSMB is the child's peak resident set size (getrusage ru_maxrss:
// KiB on Linux, bytes on macOS).
func peakRSSMB(ps *os.ProcessState) float64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return float64(ru.Maxrss) / (1 << 20)
	}
	return float64(ru.Maxrss) / 1024
}
