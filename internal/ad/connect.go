package ad

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// Dialer opens network connections; *net.Dialer is one. The lab passes one
// that reaches its loopback servers.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// ConnectOptions says which domain controller to ask and how to bind.
type ConnectOptions struct {
	// URL is ldap://HOST[:PORT] (upgraded with StartTLS unless NoStartTLS)
	// or ldaps://HOST[:PORT]. Empty: locate a DC of Domain through DNS.
	URL string
	// Domain is the AD DNS domain; empty means the machine's own domain.
	Domain string
	// DNSServers are asked for the DC SRV records ("10.0.0.1" or
	// "10.0.0.1:53"); empty means the system resolver.
	DNSServers []string
	// NoStartTLS keeps ldap:// connections unencrypted. Binds that would
	// send a password then need AllowInsecureBind.
	NoStartTLS bool
	Auth       Auth
	// User is DOMAIN\user, user@domain or a DN.
	User string
	// Password is used by simple and NTLM binds, and by Kerberos with an
	// explicit User. It never appears in errors or in String().
	Password string
	// PasswordPrompt asks for the password when a bind needs one and
	// Password is empty; nil means no one can be asked.
	PasswordPrompt func(prompt string) (string, error)
	// AllowInsecureBind permits simple and NTLM binds without TLS.
	AllowInsecureBind bool
	// Roots are trusted for the DC's certificate in addition to the
	// system roots.
	Roots *x509.CertPool
	// Timeout bounds each network step: dial, handshake, each request.
	// Zero means 30 seconds.
	Timeout time.Duration
	// Dialer defaults to a net.Dialer.
	Dialer Dialer
}

// String describes the options without the password.
func (o ConnectOptions) String() string {
	var b strings.Builder
	if o.URL != "" {
		fmt.Fprintf(&b, "url=%s", o.URL)
	} else {
		fmt.Fprintf(&b, "domain=%q dns=%v", o.Domain, o.DNSServers)
	}
	fmt.Fprintf(&b, " starttls=%t auth=%s user=%q", !o.NoStartTLS, o.auth(), o.User)
	if o.Password != "" {
		b.WriteString(" password=(set)")
	}
	if o.AllowInsecureBind {
		b.WriteString(" allow-insecure-bind")
	}
	fmt.Fprintf(&b, " timeout=%s", o.timeout())
	return b.String()
}

// GoString keeps %#v from printing the password.
func (o ConnectOptions) GoString() string { return "ad.ConnectOptions{" + o.String() + "}" }

func (o ConnectOptions) timeout() time.Duration {
	if o.Timeout <= 0 {
		return 30 * time.Second
	}
	return o.Timeout
}

func (o ConnectOptions) auth() Auth {
	if o.Auth == "" {
		return AuthNegotiate
	}
	return o.Auth
}

// target is one DC address to try.
type target struct{ scheme, host, port string }

func (t target) addr() string { return net.JoinHostPort(t.host, t.port) }

func (t target) String() string { return t.scheme + "://" + t.addr() }

// parseTarget reads --ldap-url; a bare host means ldap://.
func parseTarget(s string) (target, error) {
	if !strings.Contains(s, "://") {
		s = "ldap://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return target{}, fmt.Errorf("%q is not ldap://HOST[:PORT] or ldaps://HOST[:PORT]", s)
	}
	t := target{scheme: strings.ToLower(u.Scheme), host: u.Hostname(), port: u.Port()}
	switch {
	case t.scheme == "ldap" && t.port == "":
		t.port = "389"
	case t.scheme == "ldaps" && t.port == "":
		t.port = "636"
	case t.scheme != "ldap" && t.scheme != "ldaps":
		return target{}, fmt.Errorf("unsupported scheme %q: use ldap:// (StartTLS) or ldaps://", u.Scheme)
	}
	return t, nil
}

// session is an open connection to one DC.
type session struct {
	conn   *ldap.Conn
	guard  *guardConn
	target target
	tls    bool
	leaf   *x509.Certificate // the DC's certificate, when TLS is on
	stop   func() bool
	watch  *watchedConn // the TCP connection, for explain
}

func (s *session) close() {
	if s.stop != nil {
		s.stop()
	}
	s.conn.Close()
}

// connect dials t and sets up TLS, LDAPS or StartTLS on ldap://, within
// ctx. The session is not tied to ctx: its caller says when it ends.
func connect(ctx context.Context, o ConnectOptions, t target) (*session, error) {
	op := "connect to " + t.String()
	d := o.Dialer
	if d == nil {
		d = &net.Dialer{}
	}
	raw, err := d.DialContext(ctx, "tcp", t.addr())
	if err != nil {
		return nil, failure(op, err, netHint)
	}
	w := &watchedConn{Conn: raw}
	raw = w
	v := &tlsVerifier{host: t.host, roots: o.Roots}
	s := &session{target: t, watch: w}
	var conn net.Conn = raw
	switch {
	case t.scheme == "ldaps":
		tc := tls.Client(raw, v.config())
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, v.tlsFailure(op, err)
		}
		conn, s.tls, s.leaf = tc, true, v.leaf
	case !o.NoStartTLS:
		op = "start TLS with " + t.String()
		tc, err := startTLS(ctx, raw, v.config())
		if err != nil {
			raw.Close()
			var le *ldap.Error
			if errors.As(err, &le) && le.ResultCode < ldap.ErrorNetwork {
				return nil, &Error{Op: op, Err: err,
					Hint: "the DC has no certificate for LDAP over TLS: give it a domain controller certificate (autoenrollment), or try ldaps://" + t.host}
			}
			return nil, s.explain(v.tlsFailure(op, err))
		}
		conn, s.tls, s.leaf = tc, true, v.leaf
	}
	s.guard = newGuardConn(conn)
	s.conn = ldap.NewConn(s.guard, s.tls)
	s.conn.Start()
	s.conn.SetTimeout(o.timeout())
	return s, nil
}

// open connects to the DC named by o.URL or to the first DC of the domain
// that answers (reach), then binds. It returns the DC's RootDSE.
func open(ctx context.Context, o ConnectOptions) (*session, Entry, error) {
	var targets []target
	if o.URL != "" {
		t, err := parseTarget(o.URL)
		if err != nil {
			return nil, Entry{}, &Error{Op: "read --ldap-url", Err: err, Hint: "for example --ldap-url ldaps://dc01.contoso.com"}
		}
		targets = []target{t}
	} else {
		domain := o.Domain
		if domain == "" {
			d, err := MachineDomain()
			if err != nil {
				return nil, Entry{}, &Error{Op: "find the AD domain", Err: err, Hint: "name it with --domain contoso.com, or give --ldap-url"}
			}
			domain = d
		}
		dcs, err := LocateDC(ctx, domain, o.DNSServers, o.timeout())
		if err != nil {
			return nil, Entry{}, err
		}
		for _, dc := range dcs {
			host, port, _ := net.SplitHostPort(dc)
			targets = append(targets, target{"ldap", host, port})
		}
	}
	s, root, err := reach(ctx, o, targets)
	if err != nil {
		return nil, Entry{}, err
	}
	// go-ldap takes no context: closing the connection is how a cancelled
	// or expired context stops a request.
	s.stop = context.AfterFunc(ctx, func() { s.conn.Close() })
	if err := bind(s, o); err != nil {
		s.close()
		return nil, Entry{}, err
	}
	return s, root, nil
}
