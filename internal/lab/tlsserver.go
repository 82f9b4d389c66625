package lab

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Protocol is what a lab server speaks.
type Protocol string

// The protocols of the lab servers.
const (
	ProtoTLS  Protocol = "tls"  // TLS from the first byte (https, imaps, pop3s)
	ProtoSMTP Protocol = "smtp" // SMTP with STARTTLS
	ProtoIMAP Protocol = "imap" // IMAP with STARTTLS
	ProtoPOP3 Protocol = "pop3" // POP3 with STLS
)

// Behavior makes a server misbehave on purpose.
//
// For ProtoTLS every behaviour takes the place of the TLS handshake. For the
// mail protocols Silent, Trickle, Plaintext, Garbage and Reset take the place
// of the greeting (unless ServerSpec.AfterStartTLS), Alert takes the place of
// the handshake after STARTTLS, and NoStartTLS and StartTLSRefused change the
// dialogue.
type Behavior string

// The behaviours of the lab servers.
const (
	Normal          Behavior = ""
	Silent          Behavior = "silent"           // accept, never send a byte, never close (until Close)
	Trickle         Behavior = "trickle"          // send one byte of a valid-looking greeting/record per second
	Plaintext       Behavior = "plaintext"        // answer like a plain HTTP server, then close
	Garbage         Behavior = "garbage"          // send garbage bytes, then close
	Reset           Behavior = "reset"            // read the first bytes, then close with RST
	Alert           Behavior = "alert"            // fail the TLS handshake with a fatal handshake_failure alert
	NoStartTLS      Behavior = "no-starttls"      // mail server that never advertises STARTTLS/STLS
	StartTLSRefused Behavior = "starttls-refused" // advertises STARTTLS but answers it with an error
)

// ServerSpec describes a lab TLS, SMTP, IMAP or POP3 server.
type ServerSpec struct {
	// Addr is the listen address; default "127.0.0.1:0".
	Addr string
	// Protocol defaults to ProtoTLS.
	Protocol Protocol
	// Certs are chosen by SNI (lower-case host name); key "" is the default
	// for no SNI or an unknown one. With no match the handshake fails with
	// an unrecognized_name alert.
	Certs map[string]tls.Certificate
	// MinVersion and MaxVersion bound the TLS versions. When MaxVersion is
	// below TLS 1.2 and MinVersion is 0, MinVersion becomes TLS 1.0.
	MinVersion, MaxVersion uint16
	// CipherSuites restricts the TLS 1.0–1.2 suites, as tls.Config does.
	CipherSuites []uint16
	Behavior     Behavior
	// Banner is the host name in the mail greetings; default the CN of
	// Certs[""], else "localhost".
	Banner string
	// AfterStartTLS moves Silent, Trickle, Plaintext, Garbage and Reset of a
	// mail server from the greeting to just after the server accepted
	// STARTTLS, in place of the TLS handshake.
	AfterStartTLS bool
	// RequireClientCert makes the server demand a client certificate
	// (IIS's "Require" client certificates), up to TLS 1.2, where the
	// handshake itself then fails.
	RequireClientCert bool
}

// Server is a running lab server. Close it when done.
type Server struct {
	spec   ServerSpec
	ln     net.Listener
	config *tls.Config
	done   chan struct{}
	wg     sync.WaitGroup
	once   sync.Once

	mu          sync.Mutex
	conns       map[net.Conn]struct{}
	closed      bool
	hellos      int
	inflight    int
	handshakes  int
	serverNames []string
}

// idleTimeout closes a conversation in which the client went quiet.
const idleTimeout = 30 * time.Second

// StartServer listens on spec.Addr and serves each connection in its own
// goroutine. It returns once the server is listening.
func StartServer(spec ServerSpec) (*Server, error) {
	if spec.Addr == "" {
		spec.Addr = "127.0.0.1:0"
	}
	if spec.Protocol == "" {
		spec.Protocol = ProtoTLS
	}
	switch spec.Protocol {
	case ProtoTLS, ProtoSMTP, ProtoIMAP, ProtoPOP3:
	default:
		return nil, fmt.Errorf("lab: unknown protocol %q", spec.Protocol)
	}
	certs := make(map[string]tls.Certificate, len(spec.Certs))
	for name, c := range spec.Certs {
		certs[normalizeHost(name)] = c
	}
	spec.Certs = certs
	if spec.Banner == "" {
		spec.Banner = "localhost"
		if c, ok := certs[""]; ok && c.Leaf != nil && c.Leaf.Subject.CommonName != "" {
			spec.Banner = c.Leaf.Subject.CommonName
		}
	}
	if spec.MinVersion == 0 && spec.MaxVersion != 0 && spec.MaxVersion < tls.VersionTLS12 {
		spec.MinVersion = tls.VersionTLS10
	}
	ln, err := net.Listen("tcp", spec.Addr)
	if err != nil {
		return nil, fmt.Errorf("lab: listen %s: %w", spec.Addr, err)
	}
	s := &Server{spec: spec, ln: ln, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	s.config = &tls.Config{
		MinVersion:   spec.MinVersion,
		MaxVersion:   spec.MaxVersion,
		CipherSuites: spec.CipherSuites,
	}
	if spec.RequireClientCert {
		s.config.ClientAuth, s.config.MaxVersion = tls.RequireAnyClientCert, tls.VersionTLS12
	}
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// Addr is the listening address, such as "127.0.0.1:54321".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Port is the listening port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Close stops listening, closes every open connection and waits for the
// server's goroutines to end. It is safe to call more than once.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		close(s.done)
		err = s.ln.Close()
		s.mu.Lock()
		s.closed = true
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return err
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // such as EMFILE: try again
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer s.forget(c)
			s.serve(c)
		}()
	}
}

func (s *Server) forget(c net.Conn) {
	c.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *Server) serve(c net.Conn) {
	if s.spec.Protocol == ProtoTLS {
		if tc := s.startTLS(c); tc != nil {
			serveHTTPS(tc)
		}
		return
	}
	if s.misbehave(c, false) {
		return
	}
	s.serveMail(c)
}

// serveHTTPS answers one HTTP request with a minimal 200, or closes the
// connection when the client sends nothing for a while.
func serveHTTPS(tc *tls.Conn) {
	tc.SetDeadline(time.Now().Add(5 * time.Second))
	req, err := http.ReadRequest(bufio.NewReader(tc))
	if err != nil {
		return
	}
	io.Copy(io.Discard, io.LimitReader(req.Body, 1<<20))
	const body = "exdiag lab\n"
	fmt.Fprintf(tc, "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\nContent-Type: text/plain\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	tc.Close()
}
