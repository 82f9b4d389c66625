package diag

import (
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// What clients outside the domain try is judged on what they see in the
// certificate; a name where nothing answers, the bare domain above all, is
// normal and no finding.
func TestAutodiscoverOutside(t *testing.T) {
	p := newPKI(t)
	www := p.leaf(t, t0.AddDate(1, 0, 0), "www.contoso.com")
	mail := p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com", "autodiscover.contoso.com")
	out := newObs(t)
	out.obs.DNSServers = []string{"198.51.100.53:53"}
	src := inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceAutodiscoverOutside, Scope: inventory.ScopeExternal, Object: "contoso.com"}
	add := func(raw string, hs *probe.Handshake) {
		out.url(raw, hs)
		out.obs.Endpoints[len(out.obs.Endpoints)-1].Endpoint.Source = src
	}
	bare := trusted(www)
	bare.Key.Address = "203.0.113.80:443"
	add("https://contoso.com/autodiscover/autodiscover.xml", bare)
	add("https://autodiscover.contoso.com/autodiscover/autodiscover.xml", trusted(mail))
	// fabrikam.com: nothing answers on the bare domain, no record for autodiscover.
	out.url("https://fabrikam.com/autodiscover/autodiscover.xml", nil)
	out.obs.Endpoints[len(out.obs.Endpoints)-1].Handshake = probe.HandshakeKey{Address: "203.0.113.90:443", SNI: "fabrikam.com"}
	out.obs.Handshakes[probe.HandshakeKey{Address: "203.0.113.90:443", SNI: "fabrikam.com"}] = &probe.Handshake{Err: &probe.ConnError{Kind: probe.ErrRefused, Detail: "refused"}}
	out.url("https://autodiscover.fabrikam.com/autodiscover/autodiscover.xml", nil).dns("autodiscover.fabrikam.com", probe.DNSNXDomain)

	b := newObs(t)
	b.obs.Outside = out.obs
	rep := Judge(Input{Obs: b.obs, Org: &inventory.Org{}, Now: t0, WarnDays: 30})
	if got, want := codes(rep), []string{"error name-mismatch contoso.com [1]"}; !equal(got, want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	f := rep.Findings[0]
	for _, s := range []string{"Outlook outside the domain", "first tries https://contoso.com/autodiscover/autodiscover.xml", "198.51.100.53:53", "company web site", "covers www.contoso.com"} {
		if !strings.Contains(f.Message, s) {
			t.Errorf("message %q lacks %q", f.Message, s)
		}
	}
	if f.Sources[0].Service != inventory.ServiceAutodiscoverOutside || f.Address != "203.0.113.80:443" {
		t.Errorf("finding %+v", f)
	}
	if len(rep.Endpoints) != 4 || rep.Summary.URLs != 4 || rep.Endpoints[2].Error == "" || rep.Endpoints[1].Leaf != Thumbprint(mail) {
		t.Errorf("outside endpoints in the report: %+v (summary %+v)", rep.Endpoints, rep.Summary)
	}
	if len(rep.Certificates) != 2 {
		t.Errorf("certificates %d, want the two served outside", len(rep.Certificates))
	}
}
