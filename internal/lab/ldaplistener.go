package lab

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"
)

// listen opens a listener on addr (empty: a free 127.0.0.1 port) and
// accepts its connections until Close. ldaps: TLS starts on each
// connection before LDAP.
func (s *LDAPServer) listen(addr string, ldaps bool) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("lab ldap: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		ln.Close()
		return nil, fmt.Errorf("lab ldap: %w", net.ErrClosed)
	}
	s.wg.Go(func() { s.accept(ln, ldaps) })
	return ln, nil
}

// accept serves each connection in a goroutine of its own, tracked so
// that Close can end it and wait for it.
func (s *LDAPServer) accept(ln net.Listener, ldaps bool) {
	for {
		raw, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil { // out of file descriptors, a connection reset before Accept
			time.Sleep(10 * time.Millisecond)
			continue
		}
		c := &ldapConn{srv: s, raw: raw, conn: raw}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			raw.Close()
			return
		}
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer s.forget(c)
			defer raw.Close()
			if ldaps {
				c.conn, c.tls = tls.Server(raw, s.spec.TLS), true
			}
			c.r, c.w = bufio.NewReader(c.conn), bufio.NewWriterSize(c.conn, ldapWriteBuffer)
			c.serve()
		}()
	}
}

func (s *LDAPServer) forget(c *ldapConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// Close stops the listeners, ends every connection (a client in the
// middle of a request or a handshake, or not reading its answers,
// included) and waits until no goroutine of the server runs. Later calls
// do nothing.
func (s *LDAPServer) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	var errs []error
	for _, ln := range []net.Listener{s.plain, s.secure} {
		if ln != nil {
			errs = append(errs, ln.Close())
		}
	}
	for c := range s.conns {
		c.raw.Close() // unblocks the connection's reads, writes and handshake
	}
	s.mu.Unlock()
	s.wg.Wait()
	return errors.Join(errs...)
}
