//go:build windows

package netfail

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// errnoKinds maps what Windows returns where POSIX has an errno: Windows
// Sockets codes (WSAECONNREFUSED, 10061) from connect, read and write, and
// the Win32 codes overlapped I/O completes with (ERROR_NETNAME_DELETED, 64,
// for a reset seen by a pending read). syscall.ECONNREFUSED and its kin are
// invented values on Windows that no network call returns.
var errnoKinds = map[syscall.Errno]Kind{
	windows.WSAECONNREFUSED:           Refused,
	windows.ERROR_CONNECTION_REFUSED:  Refused,
	windows.WSAECONNRESET:             Reset,
	windows.WSAECONNABORTED:           Reset,
	windows.ERROR_NETNAME_DELETED:     Reset,
	windows.ERROR_CONNECTION_ABORTED:  Reset,
	windows.WSAEHOSTUNREACH:           Unreachable,
	windows.WSAENETUNREACH:            Unreachable,
	windows.WSAENETDOWN:               Unreachable,
	windows.ERROR_HOST_UNREACHABLE:    Unreachable,
	windows.ERROR_NETWORK_UNREACHABLE: Unreachable,
	windows.WSAETIMEDOUT:              Timeout,
	windows.ERROR_SEM_TIMEOUT:         Timeout,
	// Out of sockets (WSAEMFILE, 10024), buffer space, which is also how
	// Windows reports running out of ephemeral ports (WSAENOBUFS, 10055),
	// or local addresses (WSAEADDRNOTAVAIL, 10049).
	windows.WSAEMFILE:        Local,
	windows.WSAENOBUFS:       Local,
	windows.WSAEADDRNOTAVAIL: Local,
}
