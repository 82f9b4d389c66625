package lab

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"math"
	"net"
	"sync"
	"sync/atomic"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// sicilyFront answers Microsoft's NTLM bind in front of a gldap listener,
// which cannot parse it: the "sicily" BindRequest authentication choices
// [9] sicilyPackageDiscovery, [10] sicilyNegotiate and [11]
// sicilyResponse ([MS-ADTS] 5.1.1.1.3), as go-ldap's NTLMBind and Windows'
// ldap_bind with LDAP_AUTH_NTLM send them. Every other message passes
// through unchanged. After a good logon the front binds its backend
// connection as the account (a simple bind with the account's password),
// so the lab's own rules apply; StartTLS is mirrored, so the backend sees
// the connection encrypted exactly when the client's is.
type sicilyFront struct {
	ln      net.Listener
	backend string      // the gldap listener, on loopback
	tls     *tls.Config // the DC's; nil: no TLS
	ldaps   bool        // ln is a TLS listener
	ntlm    *ntlmServer
	users   map[string]string // account → password, for the backend's bind
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   map[*sicilyConn]bool
}

// internalID numbers the front's own requests to the backend; their
// answers are not passed on.
const internalID = math.MaxInt32

func startSicily(addr, backend string, spec LDAPSpec, ldaps bool) (*sicilyFront, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("lab ldap: %w", err)
	}
	if ldaps {
		ln = tls.NewListener(ln, spec.TLS)
	}
	f := &sicilyFront{ln: ln, backend: backend, tls: spec.TLS, ldaps: ldaps, ntlm: ntlmFor(spec), users: spec.Users,
		conns: map[*sicilyConn]bool{}}
	f.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.wg.Go(func() { f.serve(c) })
		}
	})
	return f, nil
}

func (f *sicilyFront) addr() string { return f.ln.Addr().String() }

// close stops accepting, ends every connection and waits for them.
func (f *sicilyFront) close() error {
	err := f.ln.Close()
	f.mu.Lock()
	for c := range f.conns {
		c.close()
	}
	f.mu.Unlock()
	f.wg.Wait()
	return err
}

// startSicily puts NTLM fronts on the addresses the spec asks for, before
// the gldap listeners.
func (s *LDAPServer) startSicily() error {
	var err error
	if s.sicily[0], err = startSicily(s.spec.Addr, s.plain.addr, s.spec, false); err != nil {
		return err
	}
	if s.secure != nil {
		s.sicily[1], err = startSicily(s.spec.LDAPSAddr, s.secure.addr, s.spec, true)
	}
	return err
}

// backendTLS trusts exactly the DC's own certificate: the backend is this
// server's gldap listener, serving the same one.
func (f *sicilyFront) backendTLS() *tls.Config {
	var own []byte
	if len(f.tls.Certificates) > 0 && len(f.tls.Certificates[0].Certificate) > 0 {
		own = f.tls.Certificates[0].Certificate[0]
	}
	return &tls.Config{InsecureSkipVerify: true, VerifyConnection: func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, own) {
			return errors.New("lab ldap: the backend serves another certificate")
		}
		return nil
	}}
}

// sicilyConn is one client connection and its backend connection.
type sicilyConn struct {
	f               *sicilyFront
	cmu             sync.Mutex // client and backend, which StartTLS replaces
	client, backend net.Conn
	wmu             sync.Mutex // writes to client
	challenge       *ntlmChallenge
	encrypted       bool
	startTLS        atomic.Int64 // the id of a StartTLS request in flight, or 0
	closed          chan struct{}
	once            sync.Once
}

func (f *sicilyFront) serve(client net.Conn) {
	var backend net.Conn
	var err error
	if f.ldaps {
		backend, err = tls.Dial("tcp", f.backend, f.backendTLS())
	} else {
		backend, err = net.Dial("tcp", f.backend)
	}
	if err != nil {
		client.Close()
		return
	}
	c := &sicilyConn{f: f, client: client, backend: backend, encrypted: f.ldaps, closed: make(chan struct{})}
	f.mu.Lock()
	f.conns[c] = true
	f.mu.Unlock()
	defer func() {
		c.close()
		f.mu.Lock()
		delete(f.conns, c)
		f.mu.Unlock()
	}()
	c.run()
}

func (c *sicilyConn) close() {
	c.once.Do(func() {
		close(c.closed)
		c.cmu.Lock()
		defer c.cmu.Unlock()
		c.client.Close()
		c.backend.Close()
	})
}

// run reads the client's messages until the connection ends.
func (c *sicilyConn) run() {
	cr, upgraded := bufio.NewReader(c.client), make(chan int64, 1)
	go c.pump(bufio.NewReader(c.backend), upgraded)
	for {
		raw, p, err := readMessage(cr)
		if err != nil {
			return
		}
		id, op := messageOp(p)
		switch {
		case op == nil:
			return
		case op.Tag == ldap.ApplicationBindRequest && authChoice(op) >= 9 && authChoice(op) <= 11:
			err = c.sicily(id, op)
		case op.Tag == ldap.ApplicationExtendedRequest && isStartTLS(op) && c.f.tls != nil && !c.encrypted:
			c.startTLS.Store(id)
			if _, err = c.backend.Write(raw); err != nil {
				return
			}
			var code int64
			select {
			case code = <-upgraded:
			case <-c.closed:
				return
			}
			if code != ldap.LDAPResultSuccess {
				go c.pump(bufio.NewReader(c.backend), upgraded)
				continue
			}
			if cr.Buffered() > 0 { // RFC 4511 4.14.1: nothing may follow StartTLS before its answer
				return
			}
			if err = c.upgrade(); err != nil {
				return
			}
			cr = bufio.NewReader(c.client)
			go c.pump(bufio.NewReader(c.backend), upgraded)
		default:
			_, err = c.backend.Write(raw)
		}
		if err != nil {
			return
		}
	}
}

// pump passes the backend's answers to the client. It stops after the
// answer to a StartTLS request, and sends that answer's result on done.
func (c *sicilyConn) pump(br *bufio.Reader, done chan<- int64) {
	for {
		raw, p, err := readMessage(br)
		if err != nil {
			c.close()
			return
		}
		id, op := messageOp(p)
		if id == internalID {
			continue
		}
		if err := c.toClient(raw); err != nil {
			c.close()
			return
		}
		if id != 0 && id == c.startTLS.Load() {
			c.startTLS.Store(0)
			done <- resultCode(op)
			return
		}
	}
}

func (c *sicilyConn) toClient(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.client.Write(b)
	return err
}

// upgrade runs the TLS handshakes on both sides after StartTLS succeeded.
func (c *sicilyConn) upgrade() error {
	client := tls.Server(c.client, c.f.tls)
	if err := client.Handshake(); err != nil {
		return err
	}
	backend := tls.Client(c.backend, c.f.backendTLS())
	if err := backend.Handshake(); err != nil {
		return err
	}
	c.cmu.Lock()
	defer c.cmu.Unlock()
	c.client, c.backend, c.encrypted = client, backend, true
	return nil
}

// sicily answers the NTLM bind's three steps.
func (c *sicilyConn) sicily(id int64, op *ber.Packet) error {
	token := op.Children[2].Data.Bytes()
	switch authChoice(op) {
	case 9: // sicilyPackageDiscovery: the packages, in matchedDN
		return c.toClient(bindResponse(id, ldap.LDAPResultSuccess, "NTLM", ""))
	case 10: // sicilyNegotiate: the CHALLENGE_MESSAGE, in matchedDN
		msg, ch, err := c.f.ntlm.challenge(token)
		if err != nil {
			return c.toClient(bindResponse(id, ldap.LDAPResultProtocolError, "", err.Error()))
		}
		c.challenge = &ch
		return c.toClient(bindResponse(id, ldap.LDAPResultSuccess, string(msg), ""))
	}
	ch := c.challenge
	c.challenge = nil
	if ch == nil {
		return c.toClient(bindResponse(id, ldap.LDAPResultProtocolError, "", "sicilyResponse without sicilyNegotiate"))
	}
	account, err := c.f.ntlm.authenticate(*ch, token)
	if err != nil {
		// A failed bind leaves the connection anonymous (RFC 4511 4.2.1).
		if _, err := c.backend.Write(simpleBind(internalID, "", "")); err != nil {
			return err
		}
		return c.toClient(bindResponse(id, ldap.LDAPResultInvalidCredentials, "", msgInvalidCredentials))
	}
	_, err = c.backend.Write(simpleBind(id, account, c.f.users[account])) // its answer is the client's
	return err
}
