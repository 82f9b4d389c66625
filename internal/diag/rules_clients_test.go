package diag

import (
	"crypto/x509"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/probe"
)

// withRevocation records what cert's sources said.
func (b *obsBuilder) withRevocation(cert *x509.Certificate, srcs ...probe.RevocationSource) *obsBuilder {
	if b.obs.Revocation == nil {
		b.obs.Revocation = map[string]*probe.CertRevocation{}
	}
	b.obs.Revocation[probe.CertKey(cert)] = &probe.CertRevocation{Sources: srcs}
	return b
}

func TestRevocationRules(t *testing.T) {
	p := newPKI(t)
	leaf := p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com")
	crl := func(state probe.RevocationState, internal bool) probe.RevocationSource {
		return probe.RevocationSource{Kind: probe.RevocationCRL, URL: "http://pki/x.crl", State: state, Internal: internal,
			RevokedAt: t0.AddDate(0, 0, -3), Reason: 1}
	}
	tests := []struct {
		name string
		srcs []probe.RevocationSource
		want []string
		msg  string
	}{
		{"good", []probe.RevocationSource{crl(probe.RevocationGood, false)}, nil, ""},
		{"revoked", []probe.RevocationSource{crl(probe.RevocationRevoked, false)}, []string{"error cert-revoked mail.contoso.com [1]"}, "reason: key compromise"},
		{"stale and down", []probe.RevocationSource{crl(probe.RevocationStale, false), crl(probe.RevocationUnavailable, false)},
			[]string{"warning revocation-unavailable mail.contoso.com [1]"}, "no revocation source"},
		{"only inside", []probe.RevocationSource{crl(probe.RevocationGood, true)}, []string{"warning revocation-unavailable mail.contoso.com [1]"}, "outside the network"},
		{"inside and outside", []probe.RevocationSource{crl(probe.RevocationGood, true), crl(probe.RevocationGood, false)}, nil, ""},
		{"no sources", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newObs(t).url("https://mail.contoso.com/owa", trusted(leaf)).withRevocation(leaf, tt.srcs...)
			rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
			if got := codes(rep); !equal(got, tt.want) {
				t.Fatalf("findings %q, want %q", got, tt.want)
			}
			if tt.msg != "" && !strings.Contains(rep.Findings[0].Message, tt.msg) {
				t.Errorf("message %q lacks %q", rep.Findings[0].Message, tt.msg)
			}
		})
	}
	// Mail servers do not check revocation.
	b := newObs(t).smtp("smtp://mail.contoso.com:25", "mail-servers", trusted(leaf)).withRevocation(leaf, crl(probe.RevocationRevoked, false))
	if got := codes(Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})); len(got) != 0 {
		t.Errorf("SMTP between servers: %q", got)
	}
}

func TestAppleRules(t *testing.T) {
	root, err := lab.NewRootCA("Root", t0.AddDate(-5, 0, 0), t0.AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	issue := func(notBefore, notAfter time.Time, noEKU bool) *x509.Certificate {
		c, err := root.Issue(lab.LeafSpec{CommonName: "mail.contoso.com", DNSNames: []string{"mail.contoso.com"}, NotBefore: notBefore, NotAfter: notAfter, NoEKU: noEKU})
		if err != nil {
			t.Fatal(err)
		}
		return c.Leaf
	}
	old := time.Date(2019, 6, 30, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		cert *x509.Certificate
		want []string
	}{
		{"two years", issue(t0.AddDate(-1, 0, 0), t0.AddDate(1, 0, 0), false), nil},
		{"five years", issue(t0.AddDate(-1, 0, 0), t0.AddDate(4, 0, 0), false), []string{"error cert-validity-too-long mail.contoso.com [1]"}},
		{"no EKU", issue(t0.AddDate(-1, 0, 0), t0.AddDate(1, 0, 0), true), []string{"error cert-eku-missing mail.contoso.com [1]"}},
		{"issued before the rules", issue(old, old.AddDate(10, 0, 0), true), nil},
	} {
		rep := Judge(Input{Obs: newObs(t).url("https://mail.contoso.com/owa", trusted(tt.cert)).obs, Now: t0, WarnDays: 30})
		if got := codes(rep); !equal(got, tt.want) {
			t.Errorf("%s: findings %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestChainIncompleteAndLateFailures(t *testing.T) {
	p := newPKI(t)
	leaf := p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com")
	hs := trusted(leaf)
	hs.Trust.CompletedByAIA = true
	hs.Trust.AIA = []probe.AIAFetch{{URL: "http://pki/issuing.crt", Subject: "CN=Contoso Issuing"}}
	rep := Judge(Input{Obs: newObs(t).url("https://mail.contoso.com/owa", hs).obs, Now: t0, WarnDays: 30})
	if got := codes(rep); !equal(got, []string{"warning chain-incomplete mail.contoso.com [1]"}) || !strings.Contains(rep.Findings[0].Message, "http://pki/issuing.crt") {
		t.Errorf("findings %q %v", got, rep.Findings)
	}
	for kind, words := range map[probe.ErrorKind]string{probe.ErrClientCert: "demands a client certificate", probe.ErrServerProof: "private key"} {
		hs := trusted(leaf)
		hs.Err = &probe.ConnError{Kind: kind, Detail: "x"}
		rep := Judge(Input{Obs: newObs(t).url("https://mail.contoso.com/owa", hs).obs, Now: t0, WarnDays: 30})
		if got := codes(rep); !equal(got, []string{"error tls-error mail.contoso.com [1]"}) || !strings.Contains(rep.Findings[0].Message, words) || rep.Findings[0].Cause != string(kind) {
			t.Errorf("%s: findings %q %+v", kind, got, rep.Findings)
		}
	}
}

func TestDNSTruth(t *testing.T) {
	for _, tt := range []struct {
		name string
		res  probe.DNSResult
		want string
		msg  string
	}{
		{"nxdomain", probe.DNSResult{Status: probe.DNSNXDomain}, "error dns-missing", "does not exist"},
		{"dangling alias", probe.DNSResult{Status: probe.DNSNXDomain, CNAMEs: []string{"gone.contoso.com"}}, "error dns-missing", "alias (CNAME) of gone.contoso.com, and gone.contoso.com does not exist"},
		{"servfail", probe.DNSResult{Status: probe.DNSServFail}, "error dns-error", "failed to resolve"},
		{"no answer", probe.DNSResult{Status: probe.DNSNoAnswer}, "error dns-error", "no DNS server answered"},
		{"0.0.0.0", probe.DNSResult{Status: probe.DNSFound, Addrs: []netip.Addr{netip.MustParseAddr("0.0.0.0")}}, "error dns-bad-address", "0.0.0.0"},
	} {
		b := newObs(t).url("https://mail.contoso.com/owa", nil)
		res := tt.res
		res.Host, res.Name = "mail.contoso.com", "mail.contoso.com"
		b.obs.DNS["mail.contoso.com"] = &res
		rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
		if got := codes(rep); len(got) != 1 || !strings.HasPrefix(got[0], tt.want) || !strings.Contains(rep.Findings[0].Message, tt.msg) {
			t.Errorf("%s: findings %q %v, want %s saying %q", tt.name, got, rep.Findings, tt.want, tt.msg)
		}
	}
}
