package diag

import (
	"crypto/x509"
	"fmt"
	"testing"

	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/probe"
)

func BenchmarkMatchHost(b *testing.B) {
	c, err := lab.SelfSigned(lab.LeafSpec{CommonName: "mail.contoso.com", DNSNames: []string{"mail.contoso.com", "autodiscover.contoso.com", "*.contoso.local"},
		NotBefore: t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(1, 0, 0)})
	if err != nil {
		b.Fatal(err)
	}
	hosts := []string{"mail.contoso.com", "ex01.contoso.local", "ex01.contoso.com", "192.0.2.1"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		MatchHost(c.Leaf, hosts[i%len(hosts)])
	}
}

// BenchmarkJudge10k runs every rule over 10,000 endpoints on 1,000 servers
// sharing certificates, the shape of a large organisation: it must stay
// linear in the number of endpoints.
func BenchmarkJudge10k(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			obs, org := largeObservations(b, n)
			b.ReportAllocs()
			for b.Loop() {
				Judge(Input{Obs: obs, Org: org, Now: t0, WarnDays: 30})
			}
		})
	}
}

func largeObservations(b *testing.B, n int) (*probe.Observations, *inventory.Org) {
	root, err := lab.NewRootCA("Root", t0.AddDate(-5, 0, 0), t0.AddDate(10, 0, 0))
	if err != nil {
		b.Fatal(err)
	}
	good, _ := root.Issue(lab.LeafSpec{CommonName: "mail.contoso.com", DNSNames: []string{"mail.contoso.com", "*.contoso.local"}, NotBefore: t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(1, 0, 0)})
	bad, _ := root.Issue(lab.LeafSpec{CommonName: "mail.contoso.com", DNSNames: []string{"mail.contoso.com"}, NotBefore: t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(0, 0, 10)})
	obs := &probe.Observations{DNS: map[string]*probe.DNSResult{}, Handshakes: map[probe.HandshakeKey]*probe.Handshake{}}
	org := &inventory.Org{}
	perServer := 10
	for s := 0; s < n/perServer; s++ {
		name := fmt.Sprintf("EX%04d", s)
		host := fmt.Sprintf("ex%04d.contoso.local", s)
		addr := fmt.Sprintf("10.0.%d.%d:443", s/250, s%250)
		org.Servers = append(org.Servers, inventory.Server{Name: name, FQDN: host})
		leaf := good.Leaf
		if s%10 == 9 {
			leaf = bad.Leaf
		}
		own := probe.HandshakeKey{Address: addr, SNI: host}
		shared := probe.HandshakeKey{Address: addr, SNI: "mail.contoso.com"}
		obs.Handshakes[own] = &probe.Handshake{Key: own, Chain: []*x509.Certificate{leaf}, Version: 0x0304, Trust: probe.Trust{Verified: true}}
		obs.Handshakes[shared] = &probe.Handshake{Key: shared, Chain: []*x509.Certificate{leaf}, Version: 0x0304, Trust: probe.Trust{Verified: true}}
		obs.Servers = append(obs.Servers, probe.ServerObservation{ServerProbe: probe.ServerProbe{Server: name, Via: host, Host: "mail.contoso.com", Port: 443}, Handshake: shared})
		obs.DNS[host] = &probe.DNSResult{Host: host, Status: probe.DNSFound}
		for v := 0; v < perServer; v++ {
			h, key := host, own
			if v%2 == 1 {
				h, key = "mail.contoso.com", shared
			}
			u := fmt.Sprintf("https://%s/vdir%d", h, v)
			t, _ := probe.ParseTarget(u)
			obs.Endpoints = append(obs.Endpoints, probe.EndpointObservation{
				Endpoint: &inventory.Endpoint{URL: u, Source: inventory.Source{Origin: inventory.OriginLDAP, Server: name, Service: inventory.ServiceEWS, Object: fmt.Sprint("vdir", v)}},
				Target:   t, Handshake: key,
			})
		}
	}
	obs.DNS["mail.contoso.com"] = &probe.DNSResult{Host: "mail.contoso.com", Status: probe.DNSFound}
	return obs, org
}
