package probe

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/inventory"
)

// Outlook outside the domain tries, per domain users have addresses in,
// the bare domain, autodiscover.DOMAIN and the SRV target, in that order;
// relay domains, the hybrid routing domain and wildcards are no such domain.
func TestOutsideEndpoints(t *testing.T) {
	domains := []inventory.AcceptedDomain{
		{Name: "Contoso.com", DN: "CN=contoso.com"},
		{Name: "fabrikam.com", Type: inventory.InternalRelay},
		{Name: "partner.com", Type: inventory.ExternalRelay},
		{Name: "contoso.mail.onmicrosoft.com"},
		{Name: "*.contoso.com"},
		{Name: "contoso.com."}, // the same domain twice
		{Name: "tailspin.com"},
	}
	found := map[string]*AutodiscoverDNS{
		"contoso.com":  {Domain: "contoso.com", SRV: []string{"mail.contoso.com:443", "alt.contoso.com:8443", "bad"}},
		"tailspin.com": {Domain: "tailspin.com"},
	}
	var got []string
	for _, e := range OutsideEndpoints(domains, inventory.OriginLDIF, found) {
		if e.Source.Service != inventory.ServiceAutodiscoverOutside || e.Source.Origin != inventory.OriginLDIF || e.Source.Scope != inventory.ScopeExternal {
			t.Errorf("source %+v", e.Source)
		}
		got = append(got, e.URL+" "+e.Source.Object)
	}
	want := []string{
		"https://contoso.com/autodiscover/autodiscover.xml Contoso.com",
		"https://autodiscover.contoso.com/autodiscover/autodiscover.xml Contoso.com",
		"https://mail.contoso.com/autodiscover/autodiscover.xml Contoso.com",
		"https://alt.contoso.com:8443/autodiscover/autodiscover.xml Contoso.com",
		"https://tailspin.com/autodiscover/autodiscover.xml tailspin.com",
		"https://autodiscover.tailspin.com/autodiscover/autodiscover.xml tailspin.com",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
}
