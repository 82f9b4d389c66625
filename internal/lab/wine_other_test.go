//go:build !windows

package lab

// underWine: Wine runs Windows programs only.
const underWine = false
