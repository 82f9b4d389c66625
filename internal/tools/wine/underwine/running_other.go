//go:build !windows

package underwine

// Running: Wine runs Windows programs only.
func Running() bool { return false }
