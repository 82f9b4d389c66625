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
}
