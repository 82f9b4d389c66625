//go:build windows

package term

import "golang.org/x/sys/windows"

// enableVirtualTerminal turns on ANSI escape processing in Windows Terminal
// and conhost. When the console refuses (very old conhost), colour is
// dropped rather than printing raw escape codes.
func enableVirtualTerminal(s *IO) {
	for _, t := range []struct {
		fd  uintptr
		tty *bool
	}{{s.outFD, &s.outTTY}, {s.errFD, &s.errTTY}} {
		if !*t.tty {
			continue
		}
		h := windows.Handle(t.fd)
		var mode uint32
		if err := windows.GetConsoleMode(h, &mode); err != nil {
			continue
		}
		if err := windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING); err != nil {
			*t.tty = false
		}
	}
}
