// Package underwine tells a test whether it runs under Wine (the Windows
// tier, internal/tools/wine), where the Windows emulation differs from
// Windows in ways documented here. Only tests import it.
package underwine

// LosesEarlyResets reports whether a TCP reset that arrives before the
// read is posted reads as end of file: Wine 8.0's server takes the
// socket's pending error (SO_ERROR) when it polls, so the later recv
// returns 0 instead of WSAECONNRESET. A reset that a waiting read sees is
// reported as on Windows.
func LosesEarlyResets() bool { return Running() }
