package lab

import (
	"crypto/tls"
	"net"
	"strings"
	"time"
)

// startTLS runs the server side of a TLS handshake on c, or the misbehaviour
// that replaces it. It returns nil when there is no TLS session to go on with.
func (s *Server) startTLS(c net.Conn) *tls.Conn {
	if s.misbehave(c, true) {
		return nil
	}
	var counted bool
	cfg := s.config.Clone()
	cfg.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		name := normalizeHost(hello.ServerName)
		if !counted {
			counted = true
			s.mu.Lock()
			s.hellos++
			s.inflight++
			s.serverNames = append(s.serverNames, name)
			s.mu.Unlock()
		}
		if cert, ok := s.spec.Certs[name]; ok {
			return &cert, nil
		}
		if cert, ok := s.spec.Certs[""]; ok {
			return &cert, nil
		}
		return nil, nil // tls then fails with an unrecognized_name alert
	}
	tc := tls.Server(c, cfg)
	c.SetDeadline(time.Now().Add(idleTimeout))
	err := tc.Handshake()
	if counted {
		s.mu.Lock()
		s.inflight--
		if err == nil {
			s.handshakes++
		}
		s.mu.Unlock()
	}
	if err != nil {
		return nil
	}
	return tc
}

// Handshakes is the number of TLS handshakes completed on both sides. It
// first waits, up to two seconds, for handshakes already under way to end,
// so that a client that has just finished its side sees its own counted.
func (s *Server) Handshakes() int {
	deadline := time.Now().Add(2 * time.Second)
	for {
		s.mu.Lock()
		n, busy := s.handshakes, s.inflight > 0
		s.mu.Unlock()
		if !busy || time.Now().After(deadline) {
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ClientHellos is the number of TLS handshakes that reached certificate
// selection, whether or not they then completed (a client that rejects the
// certificate is counted here but not in Handshakes).
func (s *Server) ClientHellos() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hellos
}

// ServerNames lists the SNI of each ClientHello counted by ClientHellos, in
// order, lower-cased; "" where the client sent none.
func (s *Server) ServerNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.serverNames...)
}

func normalizeHost(name string) string {
	return strings.TrimSuffix(strings.ToLower(name), ".")
}
