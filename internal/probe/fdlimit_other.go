//go:build !unix

package probe

// openFileBudget is -1: Windows has no per-process limit on sockets short
// of memory (WSAENOBUFS), which the retries of localFailures handle.
func openFileBudget() int { return -1 }
