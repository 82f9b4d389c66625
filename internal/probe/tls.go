package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/exdiag/exdiag/internal/netfail"
)

// legacySuites offers every suite Go implements, so that servers limited to
// RSA key exchange or 3DES (old Exchange, old appliances) still show their
// certificate. An explicit list is not subject to the GODEBUG defaults.
var legacySuites = func() []uint16 {
	var ids []uint16
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		ids = append(ids, s.ID)
	}
	return ids
}()

// handshake makes one connection for key and records what it showed.
// One deadline of p.timeout covers dial, STARTTLS dialogue and handshake.
func (p *Prober) handshake(ctx context.Context, key HandshakeKey) *Handshake {
	h := &Handshake{Key: key}
	start := time.Now()
	defer func() { h.Duration = time.Since(start) }()
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()

	var conn net.Conn
	err := p.local.retry(ctx, func() (err error) {
		conn, err = p.dialer.DialContext(ctx, "tcp", key.Address)
		return err
	})
	if err != nil {
		h.Err = p.dialError(ctx, key.Address, err)
		return h
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if key.StartTLS != StartTLSNone {
		br := bufio.NewReaderSize(conn, maxLine+2)
		err := startTLS(br, conn, key.StartTLS)
		if err == nil && br.Buffered() > 0 {
			// Bytes after the go-ahead would be read as TLS: a broken or
			// injected dialogue (CVE-2011-0411 style).
			err = &ConnError{Kind: ErrProtocol, Detail: "the server sent data after its starttls reply"}
		}
		if err != nil {
			h.Err = p.connError(ctx, key.Address, err)
			return h
		}
	}

	var mu sync.Mutex
	var captured []*x509.Certificate
	var askedForClientCert bool
	cfg := &tls.Config{
		// A server that asks for a client certificate gets none; remember
		// it asked, to say why the handshake then fails.
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			mu.Lock()
			askedForClientCert = true
			mu.Unlock()
			return &tls.Certificate{}, nil
		},
		ServerName:         key.SNI,
		InsecureSkipVerify: true, // verified separately in verify.go; the handshake must not decide
		MinVersion:         tls.VersionTLS10,
		CipherSuites:       legacySuites,
		// VerifyConnection sees crypto/tls's own parsed certificates, which
		// its client cache shares across connections: a certificate served
		// by a thousand servers is parsed and held once.
		VerifyConnection: func(cs tls.ConnectionState) error {
			mu.Lock()
			captured = cs.PeerCertificates
			mu.Unlock()
			return nil
		},
	}
	tc := tls.Client(conn, cfg)
	err = tc.HandshakeContext(ctx)
	st := tc.ConnectionState()
	h.Version, h.CipherSuite = st.Version, st.CipherSuite
	if err == nil {
		h.Chain = st.PeerCertificates
		return h
	}
	mu.Lock()
	h.Chain = captured
	asked := askedForClientCert
	mu.Unlock()
	h.Err = p.connError(ctx, key.Address, err)
	if len(h.Chain) > 0 {
		afterCertificate(h, err, asked)
	}
	return h
}

// afterCertificate classifies a handshake that failed after the server
// sent its certificate. A server that asked for a client certificate
// refuses the empty one it gets. Otherwise, when the failure is neither the
// network nor an alert from the server, crypto/tls itself refused the
// server's proof of its key: the signature over the handshake (TLS 1.3
// CertificateVerify, TLS 1.2 ServerKeyExchange) that only the certificate's
// private key makes. That is what a certificate bound with another key
// gives.
func afterCertificate(h *Handshake, err error, askedForClientCert bool) {
	var alert tls.AlertError
	var rh tls.RecordHeaderError
	switch {
	case askedForClientCert:
		h.Err = &ConnError{Kind: ErrClientCert, Detail: h.Key.Address + " asked for a client certificate and ended the handshake without one: " + cause(err)}
	case h.Err.Kind == ErrHandshake && !errors.As(err, &alert) && !errors.As(err, &rh):
		h.Err = &ConnError{Kind: ErrServerProof, Detail: h.Key.Address + ": " + cause(err)}
	}
}

// dialError classifies a failed TCP connect.
func (p *Prober) dialError(ctx context.Context, addr string, err error) *ConnError {
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return &ConnError{Kind: ErrConnectTimeout, Detail: "connecting to " + addr + ": canceled"}
	case netfail.IsTimeout(err):
		return &ConnError{Kind: ErrConnectTimeout, Detail: fmt.Sprintf("no tcp answer from %s within %v", addr, p.timeout)}
	case netfail.IsRefused(err):
		return &ConnError{Kind: ErrRefused, Detail: "connection to " + addr + " refused"}
	case netfail.IsLocal(err):
		return &ConnError{Kind: ErrLocal, Detail: "connecting to " + addr + ": " + cause(err)}
	}
	return &ConnError{Kind: ErrUnreachable, Detail: "connecting to " + addr + ": " + cause(err)}
}

// connError classifies a failure after the TCP connection was made.
func (p *Prober) connError(ctx context.Context, addr string, err error) *ConnError {
	var ce *ConnError
	var rh tls.RecordHeaderError
	switch {
	case errors.As(err, &ce):
		return &ConnError{Kind: ce.Kind, Detail: addr + ": " + ce.Detail}
	case errors.Is(ctx.Err(), context.Canceled):
		return &ConnError{Kind: ErrTimeout, Detail: addr + ": canceled"}
	case netfail.IsTimeout(err):
		return &ConnError{Kind: ErrTimeout, Detail: fmt.Sprintf("%s accepted the connection but did not finish the exchange within %v", addr, p.timeout)}
	case errors.As(err, &rh):
		return &ConnError{Kind: ErrPlaintext, Detail: plaintextDetail(addr, rh.RecordHeader[:])}
	case netfail.Of(err) == netfail.Closed:
		return &ConnError{Kind: ErrReset, Detail: addr + " closed the connection mid-exchange"}
	case netfail.IsReset(err):
		return &ConnError{Kind: ErrReset, Detail: addr + " reset the connection mid-exchange"}
	}
	return &ConnError{Kind: ErrHandshake, Detail: addr + ": " + cause(err)}
}

// plaintextDetail describes the first bytes a server sent instead of TLS.
func plaintextDetail(addr string, hdr []byte) string {
	s := string(hdr)
	switch {
	case strings.HasPrefix(s, "HTTP/"), strings.HasPrefix(s, "<"):
		return addr + " answered in plain http, not tls"
	case strings.HasPrefix(s, "220"), strings.HasPrefix(s, "* OK"), strings.HasPrefix(s, "+OK"):
		return fmt.Sprintf("%s sent a plain-text mail greeting (%q...): use starttls or the tls port", addr, s)
	}
	return fmt.Sprintf("%s sent %q, which is not a tls record", addr, s)
}

// cause drops net.OpError's "dial tcp a->b:" prefix, which repeats the address.
func cause(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op != "remote error" && oe.Err != nil {
		err = oe.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		err = se.Err
	}
	return strings.ToLower(err.Error())
}
