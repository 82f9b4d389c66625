package diag

import (
	"crypto/x509"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// oaURL adds an Outlook Anywhere external endpoint served with leaf.
func (b *obsBuilder) oaURL(host string, leaf *x509.Certificate) *obsBuilder {
	b.url("https://"+host+"/rpc", trusted(leaf))
	eo := &b.obs.Endpoints[len(b.obs.Endpoints)-1]
	eo.Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceOutlookAnywhere, Scope: inventory.ScopeExternal, Server: "EX02", Object: "Rpc (Default Web Site)"}
	return b
}

func TestPrincipalName(t *testing.T) {
	p := newPKI(t)
	cert := p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com", "owa.contoso.com")
	tests := []struct {
		value string
		want  []string
		msg   string
	}{
		{"msstd:mail.contoso.com", nil, ""},
		{"MSSTD:Mail.Contoso.com", nil, ""},
		{"msstd:ex01.contoso.local", []string{"error principal-name-mismatch mail.contoso.com [1]"}, "Mutual Authentication could not be established"},
		{"msstd:owa.contoso.com", []string{"warning principal-name-san-only mail.contoso.com [1]"}, "before Vista SP1"},
		{"mail.contoso.com", []string{"error principal-name-mismatch mail.contoso.com [1]"}, "not of the form msstd:NAME"},
		{"", nil, ""}, // clients assume msstd:mail.contoso.com, which is the CN
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			org := &inventory.Org{Providers: []inventory.OutlookProvider{{Name: "EXPR", CertPrincipalName: tt.value, DN: "CN=EXPR,CN=Outlook"}}}
			b := newObs(t).oaURL("mail.contoso.com", cert)
			rep := Judge(Input{Obs: b.obs, Org: org, Now: t0, WarnDays: 30})
			if got := codes(rep); !equal(got, tt.want) {
				t.Fatalf("findings %q, want %q", got, tt.want)
			}
			if tt.msg != "" && !strings.Contains(rep.Findings[0].Message, tt.msg) {
				t.Errorf("message %q lacks %q", rep.Findings[0].Message, tt.msg)
			}
			if len(rep.Findings) > 0 && rep.Findings[0].Sources[0].Service != inventory.ServiceOutlookProvider {
				t.Errorf("first source %+v is not the EXPR provider", rep.Findings[0].Sources[0])
			}
		})
	}
	// An empty value on a host other than the CN: clients assume msstd:HOST.
	org := &inventory.Org{Providers: []inventory.OutlookProvider{{Name: "EXPR"}}}
	b := newObs(t).oaURL("owa.contoso.com", cert)
	rep := Judge(Input{Obs: b.obs, Org: org, Now: t0, WarnDays: 30})
	if got := codes(rep); len(got) != 1 || !strings.Contains(rep.Findings[0].Message, "Outlook assumes msstd:owa.contoso.com") {
		t.Errorf("empty CertPrincipalName: %q %v", got, rep.Findings)
	}
}

func TestSelfSignedExternal(t *testing.T) {
	self := mustSelf(t, labSpec("mail.contoso.com")).Cert
	b := newObs(t).oaURL("mail.contoso.com", self)
	b.obs.Handshakes[b.obs.Endpoints[0].Handshake].Trust = probe.Trust{Reason: probe.TrustUnknownAuthority, Detail: "self-signed"}
	rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
	want := []string{"error cert-untrusted mail.contoso.com [1]", "error self-signed-external mail.contoso.com [1]", "warning cert-self-signed mail.contoso.com [1]"}
	if got := codes(rep); !equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}

func TestServersDisagree(t *testing.T) {
	p := newPKI(t)
	renewed := p.leaf(t, t0.AddDate(1, 1, 0), "mail.contoso.com")
	old := p.leaf(t, t0.AddDate(0, 2, 0), "mail.contoso.com")
	b := newObs(t)
	hsNew, hsOld := trusted(renewed), trusted(old)
	b.url("https://mail.contoso.com/owa", hsNew)
	b.obs.Endpoints[0].Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Server: "EX01", Service: inventory.ServiceOWA}
	b.url("https://mail.contoso.com/owa", nil)
	b.obs.Endpoints[1].Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Server: "EX02", Service: inventory.ServiceOWA}
	b.obs.Endpoints[1].Handshake = hsNew.Key
	hsOld.Key = probe.HandshakeKey{Address: "192.0.2.6:443", SNI: "mail.contoso.com"}
	b.obs.Handshakes[hsOld.Key] = hsOld
	b.obs.Servers = []probe.ServerObservation{
		{ServerProbe: probe.ServerProbe{Server: "EX01", Host: "mail.contoso.com", Port: 443}, Handshake: hsNew.Key},
		{ServerProbe: probe.ServerProbe{Server: "EX02", Host: "mail.contoso.com", Port: 443}, Handshake: hsOld.Key},
	}
	rep := Judge(Input{Obs: b.obs, Org: &inventory.Org{}, Now: t0, WarnDays: 30})
	if got, want := codes(rep), []string{"error servers-disagree mail.contoso.com [1]"}; !equal(got, want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	f := rep.Findings[0]
	if f.Thumbprint != Thumbprint(renewed) || f.Address != "192.0.2.6" || len(f.Sources) != 1 || f.Sources[0].Server != "EX02" {
		t.Errorf("finding should point at EX02 and the renewed certificate: %+v", f)
	}
	if !strings.Contains(f.Message, Thumbprint(old)+" (CN=mail.contoso.com, expires 2026-08-01) by EX02") {
		t.Errorf("message %q does not name what EX02 serves", f.Message)
	}
	want := []ServerCert{
		{Server: "EX01", Host: "mail.contoso.com", Port: 443, Service: "IIS", Address: hsNew.Key.Address, Leaf: Thumbprint(renewed)},
		{Server: "EX02", Host: "mail.contoso.com", Port: 443, Service: "IIS", Address: "192.0.2.6:443", Leaf: Thumbprint(old)},
	}
	if !slices.Equal(f.Servers, want) || !slices.Equal(rep.Servers, want) {
		t.Errorf("servers %+v / report servers %+v, want %+v", f.Servers, rep.Servers, want)
	}
}

// A message names at most maxNamedServers servers per certificate; the
// finding's Servers list every one.
func TestNameList(t *testing.T) {
	for n, want := range map[int]string{
		1: "EX1", 2: "EX1 and EX2", 3: "EX1, EX2 and EX3",
		7: "EX1, EX2, EX3, EX4, EX5 and 2 more",
	} {
		var names []string
		for i := range n {
			names = append(names, "EX"+strconv.Itoa(i+1))
		}
		if got := nameList(names); got != want {
			t.Errorf("%d names: %q, want %q", n, got, want)
		}
	}
}

func TestAutodiscoverDNSMissing(t *testing.T) {
	b := newObs(t)
	b.obs.Autodiscover = map[string]*probe.AutodiscoverDNS{
		"contoso.com":  {Domain: "contoso.com", Host: &probe.DNSResult{Status: probe.DNSFound}, SRVStatus: probe.DNSNXDomain},
		"fabrikam.com": {Domain: "fabrikam.com", Host: &probe.DNSResult{Status: probe.DNSNXDomain}, SRVStatus: probe.DNSNXDomain},
	}
	org := &inventory.Org{AcceptedDomains: []inventory.AcceptedDomain{{Name: "contoso.com"}, {Name: "Fabrikam.com"}}}
	rep := Judge(Input{Obs: b.obs, Org: org, Now: t0, WarnDays: 30})
	if got, want := codes(rep), []string{"warning autodiscover-dns-missing autodiscover.fabrikam.com [0]"}; !equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}

// Behind a wildcard certificate Outlook Anywhere needs the wildcard itself
// as principal name; a host name it covers is not enough.
func TestPrincipalNameWildcard(t *testing.T) {
	p := newPKI(t)
	cert := p.leaf(t, t0.AddDate(1, 0, 0), "*.contoso.com")
	for _, tt := range []struct {
		value string
		want  []string
	}{
		{"msstd:*.contoso.com", nil},
		{"msstd:mail.contoso.com", []string{"error principal-name-mismatch mail.contoso.com [1]"}},
		{"", []string{"error principal-name-mismatch mail.contoso.com [1]"}},
	} {
		org := &inventory.Org{Providers: []inventory.OutlookProvider{{Name: "EXPR", CertPrincipalName: tt.value}}}
		rep := Judge(Input{Obs: newObs(t).oaURL("mail.contoso.com", cert).obs, Org: org, Now: t0, WarnDays: 30})
		if got := codes(rep); !equal(got, tt.want) {
			t.Errorf("%q: findings %q, want %q", tt.value, got, tt.want)
		}
		if len(rep.Findings) > 0 && !strings.Contains(rep.Findings[0].Message, "msstd:*.contoso.com") {
			t.Errorf("%q: the message does not name msstd:*.contoso.com: %s", tt.value, rep.Findings[0].Message)
		}
	}
}
