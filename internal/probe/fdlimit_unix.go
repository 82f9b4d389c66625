//go:build unix

package probe

import (
	"os"
	"syscall"
)

// openFileBudget is how many more files this process may open: the soft
// limit on open files (which the Go runtime raises to the hard limit at
// start on Linux and macOS) less those open now, or -1 when unknown.
func openFileBudget() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<30 {
		return -1
	}
	open := 0
	for _, dir := range []string{"/proc/self/fd", "/dev/fd"} {
		if entries, err := os.ReadDir(dir); err == nil {
			open = len(entries)
			break
		}
	}
	return int(rl.Cur) - open
}
