package diag

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/probe"
)

// obsBuilder assembles probe observations by hand: diag is pure, so its
// tests feed it what the prober would have seen.
type obsBuilder struct {
	t   *testing.T
	obs *probe.Observations
}

func newObs(t *testing.T) *obsBuilder {
	return &obsBuilder{t: t, obs: &probe.Observations{
		DNS: map[string]*probe.DNSResult{}, Handshakes: map[probe.HandshakeKey]*probe.Handshake{},
		DNSServers: []string{"127.0.0.1:53"},
	}}
}

// url adds an endpoint; hs (may be nil) is the handshake it used.
func (b *obsBuilder) url(raw string, hs *probe.Handshake) *obsBuilder {
	tgt, err := probe.ParseTarget(raw)
	eo := probe.EndpointObservation{Endpoint: &inventory.Endpoint{URL: raw, Source: inventory.Source{Origin: inventory.OriginFlag, Service: inventory.ServiceURL}}, Target: tgt, ParseErr: err}
	if err == nil && !tgt.IsIP() {
		if _, ok := b.obs.DNS[tgt.Host]; !ok {
			b.obs.DNS[tgt.Host] = &probe.DNSResult{Host: tgt.Host, Name: tgt.Host, Status: probe.DNSFound}
		}
	}
	if hs != nil {
		hs.Key.SNI = tgt.Host
		if hs.Key.Address == "" {
			hs.Key.Address = "192.0.2.5:443"
		}
		eo.Handshake = hs.Key
		b.obs.Handshakes[hs.Key] = hs
	}
	b.obs.Endpoints = append(b.obs.Endpoints, eo)
	return b
}

func (b *obsBuilder) dns(host string, st probe.DNSStatus) *obsBuilder {
	b.obs.DNS[host] = &probe.DNSResult{Host: host, Name: host, Status: st, Server: "127.0.0.1:53"}
	return b
}

func trusted(certs ...*x509.Certificate) *probe.Handshake {
	return &probe.Handshake{Chain: certs, Version: tls.VersionTLS12, Trust: probe.Trust{Verified: true}}
}

type pki struct {
	root, inter *lab.CA
}

func newPKI(t *testing.T) pki {
	t.Helper()
	root, err := lab.NewRootCA("Contoso Root", t0.AddDate(-5, 0, 0), t0.AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	inter, err := root.NewIntermediate("Contoso Issuing", t0.AddDate(-2, 0, 0), t0.AddDate(0, 0, 10))
	if err != nil {
		t.Fatal(err)
	}
	return pki{root, inter}
}

func (p pki) leaf(t *testing.T, notAfter time.Time, names ...string) *x509.Certificate {
	t.Helper()
	c, err := p.root.Issue(lab.LeafSpec{CommonName: names[0], DNSNames: names, NotBefore: t0.AddDate(-1, 0, 0), NotAfter: notAfter})
	if err != nil {
		t.Fatal(err)
	}
	return c.Leaf
}

// codes renders findings compactly: "error name-mismatch ex01.contoso.local [2 urls]".
func codes(rep *Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, fmt.Sprintf("%s %s %s [%d]", f.Severity, f.Code, f.Host, len(f.URLs)))
	}
	return out
}

func TestJudge(t *testing.T) {
	p := newPKI(t)
	mail := p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com", "autodiscover.contoso.com")
	exDefault, err := lab.ExchangeSelfSigned("EX07", "ex07.contoso.local", t0.AddDate(-1, 0, -3), 1)
	if err != nil {
		t.Fatal(err)
	}
	interLeaf, err := p.inter.Issue(lab.LeafSpec{CommonName: "mail.contoso.com", DNSNames: []string{"mail.contoso.com"}, NotBefore: t0.AddDate(0, -1, 0), NotAfter: t0.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		build  func(b *obsBuilder)
		expect []string
		want   []string
	}{
		{"healthy", func(b *obsBuilder) {
			hs := trusted(mail)
			b.url("https://mail.contoso.com/owa", hs).url("https://mail.contoso.com/EWS/Exchange.asmx", hs)
		}, nil, nil},
		{"KB 940726: internal names, two URLs merge into one finding", func(b *obsBuilder) {
			hs := trusted(mail)
			b.url("https://ex01.contoso.local/EWS/Exchange.asmx", hs).url("https://ex01.contoso.local/OAB", hs)
		}, nil, []string{"error name-mismatch ex01.contoso.local [2]"}},
		{"expiry boundaries", func(b *obsBuilder) {
			b.url("https://a.contoso.com/", trusted(p.leaf(t, t0.Add(-time.Second), "a.contoso.com")))
			b.url("https://b.contoso.com/", trusted(p.leaf(t, t0.Add(30*24*time.Hour-time.Second), "b.contoso.com")))
			b.url("https://c.contoso.com/", trusted(p.leaf(t, t0.Add(30*24*time.Hour), "c.contoso.com")))
		}, nil, []string{"error cert-expired a.contoso.com [1]", "warning cert-expiring b.contoso.com [1]"}},
		{"expiring intermediate served with the leaf", func(b *obsBuilder) {
			b.url("https://mail.contoso.com/", trusted(interLeaf.Leaf, p.inter.Cert))
		}, nil, []string{"warning cert-expiring mail.contoso.com [1]"}},
		{"KB 953354: Exchange default self-signed, expired and untrusted", func(b *obsBuilder) {
			b.url("https://ex07.contoso.local/", &probe.Handshake{Chain: []*x509.Certificate{exDefault.Leaf}, Version: tls.VersionTLS12,
				Trust: probe.Trust{Reason: probe.TrustUnknownAuthority, Detail: `root "CN=EX07" is not trusted on this machine`}})
		}, nil, []string{"error cert-expired ex07.contoso.local [1]", "error cert-untrusted ex07.contoso.local [1]", "warning cert-self-signed ex07.contoso.local [1]"}},
		{"no DNS record: no connection, one finding", func(b *obsBuilder) {
			b.url("https://mail.contoso.com/owa", nil).dns("mail.contoso.com", probe.DNSNXDomain)
		}, nil, []string{"error dns-missing mail.contoso.com [1]"}},
		{"connection failures", func(b *obsBuilder) {
			b.url("https://a.contoso.com/", &probe.Handshake{Err: &probe.ConnError{Kind: probe.ErrRefused, Detail: "connection refused"}})
			b.url("smtp://b.contoso.com", &probe.Handshake{Err: &probe.ConnError{Kind: probe.ErrStartTLSMissing, Detail: "EHLO reply has no STARTTLS"}})
			b.url("https://c.contoso.com/", &probe.Handshake{Err: &probe.ConnError{Kind: probe.ErrPlaintext, Detail: "plain HTTP"}})
		}, nil, []string{"error unreachable a.contoso.com [1]", "error starttls-missing b.contoso.com [1]", "error tls-error c.contoso.com [1]"}},
		{"bad and plain URLs", func(b *obsBuilder) {
			b.url("gopher://x", nil).url("http://mail.contoso.com/OAB", nil)
		}, nil, []string{"error url-invalid  [1]", "warning url-not-https mail.contoso.com [1]"}},
		{"expected thumbprint", func(b *obsBuilder) {
			b.url("https://mail.contoso.com/", trusted(mail))
		}, []string{strings.Repeat("A", 40)}, []string{"error cert-unexpected mail.contoso.com [1]"}},
		{"expected thumbprint served", func(b *obsBuilder) {
			b.url("https://mail.contoso.com/", trusted(mail))
		}, []string{Thumbprint(mail)}, nil},
		{"legacy TLS", func(b *obsBuilder) {
			hs := trusted(mail)
			hs.Version = tls.VersionTLS10
			b.url("https://mail.contoso.com/", hs)
		}, nil, []string{"warning tls-legacy mail.contoso.com [1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newObs(t)
			tt.build(b)
			rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30, Expect: tt.expect})
			if got := codes(rep); !equal(got, tt.want) {
				t.Errorf("findings:\n got %q\nwant %q", got, tt.want)
			}
			if rep.Summary.URLs != len(b.obs.Endpoints) {
				t.Errorf("summary URLs = %d, want %d", rep.Summary.URLs, len(b.obs.Endpoints))
			}
		})
	}
}

func TestJudgeMessages(t *testing.T) {
	p := newPKI(t)
	mail := p.leaf(t, t0.AddDate(0, 0, 11), "mail.contoso.com", "autodiscover.contoso.com")
	b := newObs(t).url("https://ex01.contoso.local/EWS/Exchange.asmx", trusted(mail))
	rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
	msgs := map[Code]string{}
	for _, f := range rep.Findings {
		msgs[f.Code] = f.Message
		if f.Address != "192.0.2.5:443" {
			t.Errorf("%s: address %q", f.Code, f.Address)
		}
	}
	for code, want := range map[Code][]string{
		catalog.NameMismatch: {"does not match the name of the site", "mail.contoso.com, autodiscover.contoso.com", "not ex01.contoso.local"},
		catalog.CertExpiring: {"in 11 days", "expires on 2026-06-12"},
	} {
		for _, w := range want {
			if !strings.Contains(msgs[code], w) {
				t.Errorf("%s message %q lacks %q", code, msgs[code], w)
			}
		}
	}
}

func TestJudgeSortsAndCounts(t *testing.T) {
	p := newPKI(t)
	b := newObs(t)
	b.url("https://z.contoso.com/", trusted(p.leaf(t, t0.AddDate(0, 0, 3), "z.contoso.com")))
	b.url("https://a.contoso.com/", trusted(p.leaf(t, t0.AddDate(0, 0, 3), "a.contoso.com")))
	b.url("https://m.contoso.com/", trusted(p.leaf(t, t0.AddDate(0, 0, -3), "m.contoso.com")))
	b.url("::bad::", nil)
	rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
	want := []string{"error url-invalid  [1]", "error cert-expired m.contoso.com [1]", "warning cert-expiring a.contoso.com [1]", "warning cert-expiring z.contoso.com [1]"}
	if got := codes(rep); !equal(got, want) {
		t.Errorf("order:\n got %q\nwant %q", got, want)
	}
	if rep.Summary.Errors != 2 || rep.Summary.Warnings != 2 || rep.Summary.Hosts != 3 {
		t.Errorf("summary = %+v", rep.Summary)
	}
	if !errors.Is(b.obs.Endpoints[3].ParseErr, probe.ErrBadURL) {
		t.Errorf("parse error %v does not wrap ErrBadURL", b.obs.Endpoints[3].ParseErr)
	}
}

func TestUnsafeDirectoryValueGetsItsOwnFinding(t *testing.T) {
	p := newPKI(t)
	b := newObs(t).url("https://mail.contoso.com/EWS/Exchange.asmx", trusted(p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com")))
	b.obs.Endpoints[0].Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Server: "EX01", Object: "EWS\r\nRemove-Mailbox x", Service: inventory.ServiceEWS}
	rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
	if got, want := codes(rep), []string{"error directory-value-unsafe mail.contoso.com [1]"}; !equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
	if !strings.Contains(rep.Findings[0].Message, `"EWS\r\nRemove-Mailbox x"`) {
		t.Errorf("message does not quote the value visibly: %q", rep.Findings[0].Message)
	}
}

// --as-of moves the judgement, not the time of the run: a certificate
// that is fine today is expired as of a later date, and the report keeps
// both instants.
func TestAsOfIsNotTheRunTime(t *testing.T) {
	p := newPKI(t)
	b := newObs(t).url("https://mail.contoso.com/", trusted(p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com")))
	later := t0.AddDate(2, 0, 0)
	rep := Judge(Input{Obs: b.obs, Now: later, GeneratedAt: t0, WarnDays: 30})
	if !rep.GeneratedAt.Equal(t0) || !rep.AsOf.Equal(later) {
		t.Errorf("generatedAt %s, asOf %s; want %s and %s", rep.GeneratedAt, rep.AsOf, t0, later)
	}
	if got, want := codes(rep), []string{"error cert-expired mail.contoso.com [1]"}; !equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
	if rep := Judge(Input{Obs: b.obs, Now: t0}); !rep.GeneratedAt.Equal(t0) || !rep.AsOf.Equal(t0) {
		t.Errorf("without GeneratedAt both are Now: %s, %s", rep.GeneratedAt, rep.AsOf)
	}
}

// Every character remedy refuses to quote (safetext's one definition) is a
// directory-value-unsafe finding, bidi and invisible marks included.
func TestUnsafeServerNames(t *testing.T) {
	p := newPKI(t)
	for _, name := range []string{"EX\u200e01", "EX01\u202e", "\ufeffEX01", "EX\u008501", "EX\u206601"} {
		b := newObs(t).url("https://mail.contoso.com/EWS/Exchange.asmx", trusted(p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com")))
		b.obs.Endpoints[0].Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Server: name, Object: "EWS (Default Web Site)", Service: inventory.ServiceEWS}
		rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
		if got, want := codes(rep), []string{"error directory-value-unsafe mail.contoso.com [1]"}; !equal(got, want) {
			t.Errorf("server %q: findings %q, want %q", name, got, want)
		}
	}
}
