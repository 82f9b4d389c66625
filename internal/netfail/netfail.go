// Package netfail tells network failures apart by their error values: the
// errno (on Windows its Windows Sockets or Win32 equivalent) and net.Error.
// Never by message text, which Windows words in the user's language and
// Wine words differently again.
package netfail

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// Kind is what went wrong on the network, as far as the error values say.
type Kind string

// Kinds of failure. None means the error is not one of them (or nil).
const (
	None Kind = ""
	// Refused: nothing listens there (the host answered with a reset).
	Refused Kind = "refused"
	// Reset: the peer reset or aborted a connection that was open.
	Reset Kind = "reset"
	// Closed: the peer closed the connection before the answer was whole.
	Closed Kind = "closed"
	// Unreachable: no route to the host or its network, or the network is down.
	Unreachable Kind = "unreachable"
	// Timeout: a deadline passed, or the operating system gave up waiting.
	Timeout Kind = "timeout"
	// Local: this machine ran out of something a connection needs (file
	// descriptors, socket buffers, local ports). No server is at fault.
	Local Kind = "local"
)

// Of classifies err. A timeout wins over everything else it wraps, so that
// "dial: i/o timeout" is a timeout whatever the dial error underneath.
func Of(err error) Kind {
	if err == nil {
		return None
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.As(err, &ne) && ne.Timeout() {
		return Timeout
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if k, ok := errnoKinds[errno]; ok {
			return k
		}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return Closed
	}
	return None
}

// IsRefused reports whether nothing listened where err connected to.
func IsRefused(err error) bool { return Of(err) == Refused }

// IsReset reports whether the peer reset or aborted the connection.
func IsReset(err error) bool { return Of(err) == Reset }

// IsLocal reports whether err is this machine running out of a resource.
func IsLocal(err error) bool { return Of(err) == Local }

// IsTimeout reports whether err is a deadline or an operating-system timeout.
func IsTimeout(err error) bool { return Of(err) == Timeout }
