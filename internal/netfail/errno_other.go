//go:build !windows

package netfail

import "syscall"

// errnoKinds maps the POSIX errnos of connect, read and write.
var errnoKinds = map[syscall.Errno]Kind{
	syscall.ECONNREFUSED: Refused,
	syscall.ECONNRESET:   Reset,
	syscall.ECONNABORTED: Reset,
	syscall.EPIPE:        Reset,
	syscall.EHOSTUNREACH: Unreachable,
	syscall.ENETUNREACH:  Unreachable,
	syscall.ENETDOWN:     Unreachable,
	syscall.EHOSTDOWN:    Unreachable,
	syscall.ETIMEDOUT:    Timeout,
	// The process or the system is out of file descriptors, socket buffers
	// or memory, or out of local ports for a new connection.
	syscall.EMFILE:        Local,
	syscall.ENFILE:        Local,
	syscall.ENOBUFS:       Local,
	syscall.ENOMEM:        Local,
	syscall.EADDRNOTAVAIL: Local,
}
