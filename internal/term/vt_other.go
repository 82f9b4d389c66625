//go:build !windows

package term

func enableVirtualTerminal(*IO) {}
