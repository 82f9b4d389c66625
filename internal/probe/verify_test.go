package probe

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/lab"
)

// served parses a tls.Certificate's chain as a server would send it.
func served(t *testing.T, c tls.Certificate) []*x509.Certificate {
	t.Helper()
	var chain []*x509.Certificate
	for _, der := range c.Certificate {
		x, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, x)
	}
	return chain
}

func TestVerifyChain(t *testing.T) {
	p := newPKI(t)
	names := []string{"mail.contoso.com"}
	valid := lab.LeafSpec{CommonName: names[0], DNSNames: names, NotBefore: testNow.AddDate(0, -1, 0), NotAfter: testNow.AddDate(1, 0, 0)}
	with := func(f func(*lab.LeafSpec)) lab.LeafSpec { s := valid; f(&s); return s }

	good := p.issue(t, valid)
	expired := p.issue(t, with(func(s *lab.LeafSpec) { s.NotBefore, s.NotAfter = testNow.AddDate(-2, 0, 0), testNow.AddDate(0, 0, -3) }))
	future := p.issue(t, with(func(s *lab.LeafSpec) { s.NotBefore = testNow.AddDate(0, 0, 2) }))
	client := p.issue(t, with(func(s *lab.LeafSpec) { s.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }))
	exchange, err := lab.ExchangeSelfSigned("EX01", "ex01.corp.contoso.com", testNow.AddDate(-1, 0, 0), 5)
	if err != nil {
		t.Fatal(err)
	}
	oldExchange, err := lab.SelfSigned(lab.LeafSpec{CommonName: "EX02", DNSNames: []string{"EX02", "ex02.corp.contoso.com"},
		NotBefore: testNow.AddDate(-6, 0, 0), NotAfter: testNow.AddDate(-1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	withRoot := good
	withRoot.Certificate = append(withRoot.Certificate, p.root.Cert.Raw)

	tests := []struct {
		name   string
		cert   tls.Certificate
		roots  *x509.CertPool
		reason TrustReason
		detail string
	}{
		{name: "trusted", cert: good, roots: p.roots},
		{name: "expired but trusted", cert: expired, roots: p.roots},
		{name: "not yet valid but trusted", cert: future, roots: p.roots},
		{name: "untrusted root sent", cert: withRoot, roots: x509.NewCertPool(), reason: TrustUnknownAuthority,
			detail: `root "CN=Contoso Root CA,O=exdiag lab" is not trusted on this machine`},
		{name: "self-signed", cert: exchange, roots: p.roots, reason: TrustUnknownAuthority,
			detail: `self-signed certificate "CN=EX01" is not trusted on this machine`},
		{name: "expired self-signed", cert: oldExchange, roots: p.roots, reason: TrustUnknownAuthority, detail: `"CN=EX02"`},
		{name: "missing intermediate", cert: lab.LeafOnly(good), roots: p.roots, reason: TrustIncompleteChain,
			detail: `the chain stops at "CN=mail.contoso.com" whose issuer "CN=Contoso Issuing CA,O=exdiag lab" was not sent by the server`},
		{name: "untrusted private CA", cert: good, roots: x509.NewCertPool(), reason: TrustIncompleteChain,
			detail: `issuer "CN=Contoso Root CA,O=exdiag lab" was not sent`},
		{name: "client auth only", cert: client, roots: p.roots, reason: TrustWrongUsage,
			detail: `"CN=mail.contoso.com" is not valid for server authentication`},
	}
	for _, tc := range tests {
		tr := verifyChain(served(t, tc.cert), tc.roots, testNow)
		if tr.Verified != (tc.reason == TrustOK) || tr.Reason != tc.reason || !strings.Contains(tr.Detail, tc.detail) {
			t.Errorf("%s: got %+v, want reason %q detail containing %q", tc.name, tr, tc.reason, tc.detail)
		}
		if tr.Verified && (len(tr.Chain) != 3 || !tr.Chain[2].Equal(p.root.Cert)) {
			t.Errorf("%s: verified chain has %d certs", tc.name, len(tr.Chain))
		}
	}
	if tr := verifyChain(nil, p.roots, testNow); tr.Verified || tr.Reason != TrustOK {
		t.Errorf("no chain: %+v", tr)
	}
}

// TestVerifyThroughRun checks that Run verifies what it captured against
// Config.Roots and Config.Now.
func TestVerifyThroughRun(t *testing.T) {
	p := newPKI(t)
	leafOnly := lab.LeafOnly(p.leaf(t, "mail.contoso.com"))
	s := startServer(t, lab.ServerSpec{Certs: map[string]tls.Certificate{"": leafOnly}})
	cfg := testConfig(startDNS(t, lab.DNSSpec{}), mustConnectTo(t, "::%s", s.Addr()))
	cfg.Roots = p.roots
	h := only(t, run(t, cfg, "https://mail.contoso.com/"))
	if h.Err != nil || h.Trust.Verified || h.Trust.Reason != TrustIncompleteChain {
		t.Errorf("err %v trust %+v", h.Err, h.Trust)
	}
	cfg.Roots.AddCert(p.inter.Cert) // as --ca-file with the intermediate would
	h = only(t, run(t, cfg, "https://mail.contoso.com/"))
	if !h.Trust.Verified {
		t.Errorf("trust %+v", fmt.Sprint(h.Trust))
	}
}
