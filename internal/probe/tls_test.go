package probe

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/tools/wine/underwine"
)

// sniServer serves a default certificate and one for mail.contoso.com, so
// the certificate that comes back shows which SNI the prober sent.
func sniServer(t *testing.T, p *testPKI) (*lab.Server, tls.Certificate, tls.Certificate) {
	t.Helper()
	def := p.leaf(t, "default.contoso.com")
	mail := p.leaf(t, "mail.contoso.com")
	s := startServer(t, lab.ServerSpec{Certs: map[string]tls.Certificate{"": def, "mail.contoso.com": mail}})
	return s, def, mail
}

func TestHandshakeConnectTo(t *testing.T) {
	p := newPKI(t)
	s, _, mail := sniServer(t, p)
	d := startDNS(t, lab.DNSSpec{Records: contosoZone})
	cfg := testConfig(d, mustConnectTo(t, "mail.contoso.com:443:127.0.0.1:%d", s.Port()))
	cfg.Roots = p.roots
	obs := run(t, cfg, "https://mail.contoso.com/owa")
	h := only(t, obs)
	if h.Err != nil || len(h.Chain) != 2 || !h.Chain[0].Equal(mail.Leaf) {
		t.Fatalf("got err %v, chain %d certs; want the mail.contoso.com certificate", h.Err, len(h.Chain))
	}
	want := HandshakeKey{Address: s.Addr(), SNI: "mail.contoso.com"}
	if eo := obs.Endpoints[0]; eo.Handshake != want || eo.Pin != "connect-to" {
		t.Errorf("key %+v pin %q, want %+v connect-to", eo.Handshake, eo.Pin, want)
	}
	if !slices.Equal(s.ServerNames(), []string{"mail.contoso.com"}) {
		t.Errorf("server saw SNI %q", s.ServerNames())
	}
	if !h.Trust.Verified || len(h.Trust.Chain) != 3 || h.Version != tls.VersionTLS13 || h.Duration <= 0 {
		t.Errorf("trust %+v version %x duration %v", h.Trust, h.Version, h.Duration)
	}
	// DNS is still looked up: findings are about what clients see.
	if obs.DNS["mail.contoso.com"].Status != DNSFound {
		t.Errorf("dns = %+v", obs.DNS["mail.contoso.com"])
	}
}

func TestHandshakeResolve(t *testing.T) {
	p := newPKI(t)
	s, _, mail := sniServer(t, p)
	d := startDNS(t, lab.DNSSpec{})
	url := fmt.Sprintf("https://mail.contoso.com:%d/ews/exchange.asmx", s.Port())
	obs := run(t, testConfig(d, mustResolve(t, "*:%d:127.0.0.1", s.Port())), url)
	if h := only(t, obs); h.Err != nil || !h.Chain[0].Equal(mail.Leaf) || obs.Endpoints[0].Pin != "resolve" {
		t.Fatalf("err %v pin %q", h.Err, obs.Endpoints[0].Pin)
	}
	if obs.DNS["mail.contoso.com"].Status != DNSNXDomain {
		t.Errorf("dns = %+v, want the lab's nxdomain despite the pin", obs.DNS["mail.contoso.com"])
	}
}

func TestHandshakeAddressFromDNS(t *testing.T) {
	p := newPKI(t)
	s, def, mail := sniServer(t, p)
	d := startDNS(t, lab.DNSSpec{Records: []string{
		"mail.contoso.com. 60 IN AAAA ::1", // A wins over AAAA
		"mail.contoso.com. 60 IN A 127.0.0.1",
		"backend.lab.invalid. 60 IN A 127.0.0.1",
	}})
	obs := run(t, testConfig(d), fmt.Sprintf("https://mail.contoso.com:%d/", s.Port()))
	if h := only(t, obs); h.Err != nil || !h.Chain[0].Equal(mail.Leaf) || h.Key.Address != s.Addr() || obs.Endpoints[0].Pin != "" {
		t.Fatalf("err %v key %+v", h.Err, h.Key)
	}

	// --connect-to a name: resolved at the same DNS servers.
	pin := mustConnectTo(t, "::backend.lab.invalid:%d", s.Port())
	if h := only(t, run(t, testConfig(d, pin), "https://mail.contoso.com/")); h.Err != nil || h.Key.Address != s.Addr() {
		t.Errorf("connect-to a name: err %v key %+v", h.Err, h.Key)
	}
	pin = mustConnectTo(t, "::nowhere.lab.invalid:%d", s.Port())
	h := only(t, run(t, testConfig(d, pin), "https://mail.contoso.com/"))
	if h.Err == nil || h.Err.Kind != ErrUnreachable || !strings.Contains(h.Err.Detail, "nowhere.lab.invalid has no address (nxdomain") {
		t.Errorf("connect-to a missing name: %+v", h.Err)
	}

	// An IP host sends no SNI and gets the default certificate.
	h = only(t, run(t, testConfig(d), "https://"+s.Addr()+"/"))
	if h.Err != nil || !h.Chain[0].Equal(def.Leaf) || h.Key.SNI != "" {
		t.Errorf("IP host: err %v key %+v", h.Err, h.Key)
	}

	// No address: no handshake.
	obs = run(t, testConfig(d), "https://nope.contoso.com/")
	if !obs.Endpoints[0].Handshake.Zero() || len(obs.Handshakes) != 0 || obs.Stats.Handshakes != 0 {
		t.Errorf("handshake without an address: %+v", obs.Endpoints[0])
	}
}

func TestHandshakeOncePerKey(t *testing.T) {
	p := newPKI(t)
	s, _, _ := sniServer(t, p)
	d := startDNS(t, lab.DNSSpec{})
	pin := mustConnectTo(t, "mail.contoso.com::127.0.0.1:%d", s.Port())
	obs := run(t, testConfig(d, pin),
		"https://mail.contoso.com/owa", "https://mail.contoso.com/ecp", "https://MAIL.contoso.com/EWS/Exchange.asmx",
		"mail.contoso.com", "https://mail.contoso.com:443/mapi")
	if obs.Stats.Handshakes != 1 || len(obs.Handshakes) != 1 || s.Handshakes() != 1 {
		t.Errorf("stats %d, observed %d, server saw %d handshakes; want 1", obs.Stats.Handshakes, len(obs.Handshakes), s.Handshakes())
	}
	for _, eo := range obs.Endpoints {
		if eo.Handshake != obs.Endpoints[0].Handshake || eo.Handshake.Zero() {
			t.Errorf("%s: key %+v", eo.Endpoint.URL, eo.Handshake)
		}
	}
}

func TestHandshakeErrors(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	cert := newPKI(t).leaf(t, "mail.contoso.com")
	tests := []struct {
		behavior lab.Behavior
		kind     ErrorKind
		detail   string
	}{
		{lab.Silent, ErrTimeout, "did not finish the exchange within 300ms"},
		{lab.Plaintext, ErrPlaintext, "answered in plain http"},
		{lab.Garbage, ErrPlaintext, "which is not a tls record"},
		{lab.Reset, ErrReset, "reset the connection"},
		{lab.Alert, ErrHandshake, "remote error: tls: handshake failure"},
		{lab.Trickle, ErrTimeout, "within 300ms"},
		{"refused", ErrRefused, "connection to " + closedAddr + " refused"},
	}
	for _, tc := range tests {
		t.Run(string(tc.behavior), func(t *testing.T) {
			t.Parallel()
			addr := closedAddr
			if tc.behavior != "refused" {
				addr = startServer(t, lab.ServerSpec{Certs: map[string]tls.Certificate{"": cert}, Behavior: tc.behavior}).Addr()
			}
			cfg := testConfig(startDNS(t, lab.DNSSpec{}), mustConnectTo(t, "::%s", addr))
			cfg.Timeout = 300 * time.Millisecond
			h := only(t, run(t, cfg, "https://mail.contoso.com/"))
			t.Log(h.Err)
			detail := tc.detail
			if tc.behavior == lab.Reset && underwine.LosesEarlyResets() && h.Err != nil && strings.Contains(h.Err.Detail, "closed the connection") {
				detail = "closed the connection" // Wine may read an early reset as end of file
			}
			if h.Err == nil || h.Err.Kind != tc.kind || !strings.Contains(h.Err.Detail, detail) || !strings.Contains(h.Err.Detail, addr) {
				t.Errorf("got %v, want %s containing %q and the address", h.Err, tc.kind, tc.detail)
			}
		})
	}
}

func TestHandshakeLegacyTLS10(t *testing.T) {
	p := newPKI(t)
	cert := p.issue(t, lab.LeafSpec{CommonName: "mail.contoso.com", DNSNames: []string{"mail.contoso.com"}, RSABits: 2048,
		NotBefore: testNow.AddDate(0, -1, 0), NotAfter: testNow.AddDate(1, 0, 0)})
	s := startServer(t, lab.ServerSpec{Certs: map[string]tls.Certificate{"": cert},
		MaxVersion: tls.VersionTLS10, CipherSuites: []uint16{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}})
	h := only(t, run(t, testConfig(startDNS(t, lab.DNSSpec{}), mustConnectTo(t, "::%s", s.Addr())), "https://mail.contoso.com/"))
	if h.Err != nil || len(h.Chain) != 2 || !h.Chain[0].Equal(cert.Leaf) {
		t.Fatalf("err %v, %d certs", h.Err, len(h.Chain))
	}
	if h.Version != tls.VersionTLS10 || h.CipherSuite != tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA {
		t.Errorf("version %x suite %x", h.Version, h.CipherSuite)
	}
}

// TestHandshakeKeepsChainOnLateFailure uses a server that demands a client
// certificate: it sends its chain, then fails the handshake.
func TestHandshakeKeepsChainOnLateFailure(t *testing.T) {
	p := newPKI(t)
	cert := p.leaf(t, "mail.contoso.com")
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAnyClientCert,
		MaxVersion:   tls.VersionTLS12, // in TLS 1.3 the client finishes first
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.(*tls.Conn).HandshakeContext(context.Background())
			c.Close()
		}
	}()
	cfg := testConfig(startDNS(t, lab.DNSSpec{}), mustConnectTo(t, "::%s", ln.Addr()))
	cfg.Roots = p.roots
	h := only(t, run(t, cfg, "https://mail.contoso.com/"))
	if h.Err == nil || h.Err.Kind != ErrClientCert || !h.Err.Kind.AfterCertificate() {
		t.Errorf("err = %v, want the client-certificate failure", h.Err)
	}
	if len(h.Chain) != 2 || !h.Chain[0].Equal(cert.Leaf) || h.Version != tls.VersionTLS12 {
		t.Errorf("chain of %d certs, version %x; want the served chain kept", len(h.Chain), h.Version)
	}
	if !h.Trust.Verified {
		t.Errorf("trust = %+v", h.Trust)
	}
}
