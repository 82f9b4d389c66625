package probe

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"slices"
	"testing"

	"github.com/exdiag/exdiag/internal/lab"
)

// The names looked up for fixes are the exact DNS host names of the leaves
// served, the first maxNamesPerCert of each, never a wildcard, an address,
// a single label or a name no client could put in a URL.
func TestCertNames(t *testing.T) {
	p := newPKI(t)
	names := []string{"mail.contoso.com", "autodiscover.contoso.com", "*.contoso.com", "EX01", "x.contoso.com' ; Remove-Item",
		"_sip._tls.contoso.com", "owa.contoso.com"}
	for i := range 20 {
		names = append(names, fmt.Sprintf("n%02d.contoso.com", i))
	}
	c := p.issue(t, lab.LeafSpec{CommonName: "mail.contoso.com", DNSNames: names, NotBefore: testNow.AddDate(0, -1, 0), NotAfter: testNow.AddDate(1, 0, 0)})
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	obs := &Observations{
		DNS:        map[string]*DNSResult{"mail.contoso.com": {Status: DNSFound}},
		Handshakes: map[HandshakeKey]*Handshake{{Address: "127.0.0.1:443"}: {Chain: []*x509.Certificate{leaf}}, {Address: "127.0.0.1:25"}: nil},
	}
	got := certNames(obs)
	// The CN and the first 15 SANs are considered (16 names); mail is known.
	want := []string{"autodiscover.contoso.com", "n00.contoso.com", "n01.contoso.com", "n02.contoso.com", "n03.contoso.com",
		"n04.contoso.com", "n05.contoso.com", "n06.contoso.com", "n07.contoso.com", "owa.contoso.com"}
	if !slices.Equal(got, want) {
		t.Errorf("certNames = %q\nwant %q", got, want)
	}
}

// Run resolves the names of the certificates served, so that fixes need no
// more of the network after judging.
func TestRunResolvesCertificateNames(t *testing.T) {
	p := newPKI(t)
	cert := p.leaf(t, "mail.contoso.com", "owa.contoso.com")
	s := startServer(t, lab.ServerSpec{Protocol: lab.ProtoTLS, Certs: map[string]tls.Certificate{"": cert}})
	d := startDNS(t, lab.DNSSpec{Records: contosoZone})
	cfg := testConfig(d, mustResolve(t, "*:%d:127.0.0.1", s.Port()))
	obs := run(t, cfg, fmt.Sprintf("https://ex01.corp.contoso.com:%d/", s.Port()))
	for _, n := range []string{"mail.contoso.com", "owa.contoso.com"} {
		if r := obs.DNS[n]; r == nil || r.Status != DNSFound {
			t.Errorf("%s: %+v, want it looked up and found", n, r)
		}
	}
	if obs.Stats.DNSLookups != 3 {
		t.Errorf("%d lookups, want 3 (the URL's host and the certificate's two names)", obs.Stats.DNSLookups)
	}
}
