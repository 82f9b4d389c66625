package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/lab"
)

// testNow is the fixed clock chains are verified against.
var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// testPKI is a root CA, an intermediate below it and a pool trusting the root.
type testPKI struct {
	root, inter *lab.CA
	roots       *x509.CertPool
}

func newPKI(t testing.TB) *testPKI {
	t.Helper()
	root, err := lab.NewRootCA("Contoso Root CA", testNow.AddDate(-5, 0, 0), testNow.AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	inter, err := root.NewIntermediate("Contoso Issuing CA", testNow.AddDate(-2, 0, 0), testNow.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(root.Cert)
	return &testPKI{root: root, inter: inter, roots: roots}
}

// leaf issues a serverAuth certificate for names from the intermediate.
func (p *testPKI) leaf(t testing.TB, names ...string) tls.Certificate {
	t.Helper()
	return p.issue(t, lab.LeafSpec{CommonName: names[0], DNSNames: names,
		NotBefore: testNow.AddDate(0, -1, 0), NotAfter: testNow.AddDate(1, 0, 0)})
}

func (p *testPKI) issue(t testing.TB, spec lab.LeafSpec) tls.Certificate {
	t.Helper()
	c, err := p.inter.Issue(spec)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func startServer(t testing.TB, spec lab.ServerSpec) *lab.Server {
	t.Helper()
	s, err := lab.StartServer(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func startDNS(t testing.TB, spec lab.DNSSpec) *lab.DNSServer {
	t.Helper()
	d, err := lab.StartDNS(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// testConfig asks only the lab DNS server d, never the system's, and
// trusts no root until a test sets Roots.
func testConfig(d *lab.DNSServer, pins ...Pin) Config {
	return Config{
		Roots:         x509.NewCertPool(),
		DNSServers:    []string{d.Addr()},
		SearchDomains: []string{},
		Pins:          pins,
		Timeout:       5 * time.Second, // only failures wait for it; a loaded CI box needs slack
		Now:           func() time.Time { return testNow },
	}
}

func endpoints(urls ...string) []inventory.Endpoint {
	eps := make([]inventory.Endpoint, len(urls))
	for i, u := range urls {
		eps[i] = inventory.Endpoint{URL: u, Source: inventory.Source{Origin: inventory.OriginFlag, Service: inventory.ServiceURL}}
	}
	return eps
}

func run(t testing.TB, cfg Config, urls ...string) *Observations {
	t.Helper()
	return New(cfg).Run(context.Background(), endpoints(urls...))
}

// only returns the handshake of the single endpoint of obs.
func only(t testing.TB, obs *Observations) *Handshake {
	t.Helper()
	if len(obs.Endpoints) != 1 {
		t.Fatalf("got %d endpoints, want 1", len(obs.Endpoints))
	}
	eo := obs.Endpoints[0]
	if eo.ParseErr != nil {
		t.Fatalf("parse %s: %v", eo.Endpoint.URL, eo.ParseErr)
	}
	h := obs.Handshakes[eo.Handshake]
	if h == nil {
		t.Fatalf("no handshake for %s (key %+v)", eo.Endpoint.URL, eo.Handshake)
	}
	return h
}

func mustResolve(t testing.TB, format string, a ...any) Pin {
	t.Helper()
	p, err := ParseResolve(fmt.Sprintf(format, a...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustConnectTo(t testing.TB, format string, a ...any) Pin {
	t.Helper()
	p, err := ParseConnectTo(fmt.Sprintf(format, a...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
