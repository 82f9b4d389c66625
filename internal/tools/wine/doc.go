// Package wine is the Windows tier of exdiag's tests: it runs the Windows
// binary and every package's Windows test binary under Wine on Linux.
//
// Wine 8.0 (Debian 12) lacks two things Go 1.22+ needs; this package
// bridges them for test builds only, never in the product: a 4 KB
// bcryptprimitives.dll shim (shim.go) and an overlay of two standard
// library files (overlay.go). The tests of this package do the rest; they
// run with EXDIAG_WINE=1 (make windows-wine) and skip otherwise. What Wine
// can and cannot show is in README.md, section "Windows".
package wine
