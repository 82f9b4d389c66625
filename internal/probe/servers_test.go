package probe

import (
	"context"
	"crypto/tls"
	"testing"

	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/lab"
)

// A load-balanced name served by two servers, one of which still serves
// the old certificate: the per-server probes see both certificates.
func TestServerProbesSeeEachServer(t *testing.T) {
	p := newPKI(t)
	newCert, oldCert := p.leaf(t, "mail.contoso.com"), p.leaf(t, "mail.contoso.com")
	ex01 := startServer(t, lab.ServerSpec{Certs: map[string]tls.Certificate{"": newCert}})
	ex02 := startServer(t, lab.ServerSpec{Certs: map[string]tls.Certificate{"": oldCert}})
	d := startDNS(t, lab.DNSSpec{Records: []string{
		"mail.contoso.com. 300 IN A 127.0.0.1", "ex01.contoso.local. 300 IN A 127.0.0.1", "ex02.contoso.local. 300 IN A 127.0.0.1"}})
	org := &inventory.Org{Servers: []inventory.Server{{Name: "EX01", FQDN: "ex01.contoso.local"}, {Name: "EX02", FQDN: "ex02.contoso.local"}}}
	eps := []inventory.Endpoint{
		{URL: "https://mail.contoso.com/owa", Source: inventory.Source{Origin: inventory.OriginLDAP, Server: "EX01", Service: inventory.ServiceOWA}},
		{URL: "https://mail.contoso.com/owa", Source: inventory.Source{Origin: inventory.OriginLDAP, Server: "EX02", Service: inventory.ServiceOWA}},
		{URL: "https://ex01.contoso.local/owa", Source: inventory.Source{Origin: inventory.OriginLDAP, Server: "EX01", Service: inventory.ServiceOWA}},
	}
	probes := PlanServerProbes(org, eps)
	if len(probes) != 2 || probes[0].Server != "EX01" || probes[1].Server != "EX02" || probes[0].Host != "mail.contoso.com" {
		t.Fatalf("PlanServerProbes = %+v, want EX01 and EX02 for mail.contoso.com only", probes)
	}
	cfg := testConfig(d,
		mustConnectTo(t, "mail.contoso.com:443:127.0.0.1:%d", ex01.Port()),
		mustConnectTo(t, "ex01.contoso.local:443:127.0.0.1:%d", ex01.Port()),
		mustConnectTo(t, "ex02.contoso.local:443:127.0.0.1:%d", ex02.Port()))
	obs := New(cfg).Run(context.Background(), eps, probes...)
	if len(obs.Servers) != 2 {
		t.Fatalf("got %d server observations, want 2", len(obs.Servers))
	}
	leaf := func(so ServerObservation) []byte {
		h := obs.Handshakes[so.Handshake]
		if h == nil || len(h.Chain) == 0 {
			t.Fatalf("%s: no certificate (%+v, %s)", so.Server, h, so.Err)
		}
		return h.Chain[0].Raw
	}
	if string(leaf(obs.Servers[0])) != string(newCert.Leaf.Raw) || string(leaf(obs.Servers[1])) != string(oldCert.Leaf.Raw) {
		t.Error("per-server probes did not see each server's own certificate")
	}
	if obs.Servers[0].Handshake.SNI != "mail.contoso.com" {
		t.Errorf("SNI = %q, want the shared name", obs.Servers[0].Handshake.SNI)
	}
	if _, ok := obs.DNS["ex02.contoso.local"]; ok {
		t.Error("a server's own name became a URL host in obs.DNS")
	}
	if got := ex01.Handshakes(); got != 2 {
		t.Errorf("EX01 saw %d handshakes, want 2 (mail through the URL and through EX01 share a key; ex01.contoso.local is another SNI)", got)
	}
}

func TestAutodiscoverDNS(t *testing.T) {
	d := startDNS(t, lab.DNSSpec{Records: []string{
		"autodiscover.contoso.com. 300 IN CNAME mail.contoso.com.",
		"mail.contoso.com. 300 IN A 127.0.0.1",
		"_autodiscover._tcp.fabrikam.com. 300 IN SRV 10 0 443 mail.contoso.com.",
		"_autodiscover._tcp.fabrikam.com. 300 IN SRV 0 0 443 mail2.contoso.com.",
		"www.tailspin.com. 300 IN A 127.0.0.1",
	}})
	p := New(testConfig(d))
	obs := &Observations{}
	p.Autodiscover(context.Background(), obs, []string{"contoso.com", "Fabrikam.com", "tailspin.com", "*.wild.com"})
	if a := obs.Autodiscover["contoso.com"]; a == nil || !a.Found() || a.Host.Status != DNSFound || a.SRVStatus != DNSNXDomain {
		t.Errorf("contoso.com: %+v", a)
	}
	if a := obs.Autodiscover["fabrikam.com"]; a == nil || !a.Found() || len(a.SRV) != 2 || a.SRV[0] != "mail2.contoso.com:443" {
		t.Errorf("fabrikam.com: %+v (SRV must be sorted by priority)", a)
	}
	if a := obs.Autodiscover["tailspin.com"]; a == nil || a.Found() || a.Host.Status != DNSNXDomain {
		t.Errorf("tailspin.com: %+v", a)
	}
	if _, ok := obs.Autodiscover["*.wild.com"]; ok || len(obs.Autodiscover) != 3 {
		t.Errorf("wildcard domain looked up: %v", obs.Autodiscover)
	}
}
