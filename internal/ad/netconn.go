package ad

import (
	"errors"
	"net"
	"sync"

	"github.com/go-ldap/ldap/v3"

	"github.com/exdiag/exdiag/internal/netfail"
)

// watchedConn remembers the first failed read or write of a connection to a
// DC. go-ldap reports a failed read as text only ("unable to read LDAP
// response packet: %s", go-ldap v3 conn.go), which drops the error value
// that tells a reset from a close or a timeout; explain puts it back.
type watchedConn struct {
	net.Conn
	mu  sync.Mutex
	err error
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.note(err)
	return n, err
}

func (c *watchedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.note(err)
	return n, err
}

// note keeps err unless one is kept already or exdiag closed the connection
// itself (a cancelled run).
func (c *watchedConn) note(err error) {
	if err == nil || errors.Is(err, net.ErrClosed) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

func (c *watchedConn) failure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// connFailure is an error go-ldap reported as text, with the connection's
// own failure underneath for errors.Is and errors.As. It reads as the
// original: the connection's error is already in its text.
type connFailure struct{ err, cause error }

func (e *connFailure) Error() string { return e.err.Error() }

func (e *connFailure) Unwrap() []error { return []error{e.err, e.cause} }

// explain adds the connection's own failure to err, when the connection
// failed and err does not already say how, and hints again from the
// whole. A result the DC sent (an LDAP result code) is left as it is.
func (s *session) explain(err error) error {
	var e *Error
	if s.watch == nil || !errors.As(err, &e) {
		return err
	}
	cause := s.watch.failure()
	var le *ldap.Error
	if cause == nil || netfail.Of(e.Err) != netfail.None ||
		errors.As(e.Err, &le) && le.ResultCode < ldap.ErrorNetwork {
		return err
	}
	e.Err = &connFailure{err: e.Err, cause: cause}
	if h := netHint(e.Err); h != "" {
		e.Hint = h
	}
	return err
}
