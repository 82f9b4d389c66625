package probe

import (
	"net"
	"strings"

	"github.com/exdiag/exdiag/internal/inventory"
)

// autodiscoverPath is the path Outlook asks for on every Autodiscover
// candidate (Autodiscover for Exchange, phases 1–3).
const autodiscoverPath = "/autodiscover/autodiscover.xml"

// OutsideEndpoints lists the Autodiscover URLs that Outlook on a machine
// that is not domain-joined tries for each accepted domain users have
// addresses in, in its order: https://DOMAIN/…, https://autodiscover.DOMAIN/…,
// then the target of the SRV record _autodiscover._tcp.DOMAIN (found in
// obs.Autodiscover, looked up first). Relay domains, the hybrid routing
// domain and wildcards are skipped: no client looks them up.
func OutsideEndpoints(domains []inventory.AcceptedDomain, origin inventory.Origin, found map[string]*AutodiscoverDNS) []inventory.Endpoint {
	var out []inventory.Endpoint
	seen := map[string]bool{}
	for _, d := range domains {
		name := strings.ToLower(strings.TrimSuffix(d.Name, "."))
		if !d.ClientDomain() || seen[name] {
			continue
		}
		seen[name] = true
		src := inventory.Source{Origin: origin, Service: inventory.ServiceAutodiscoverOutside, Scope: inventory.ScopeExternal,
			Object: d.Name, DN: d.DN, Attribute: "msExchAcceptedDomainName"}
		add := func(host string, value string) {
			s := src
			s.Value = value
			out = append(out, inventory.Endpoint{URL: "https://" + host + autodiscoverPath, Source: s})
		}
		add(name, d.Name)
		add("autodiscover."+name, d.Name)
		if a := found[name]; a != nil {
			for _, target := range a.SRV {
				host, port, err := net.SplitHostPort(target)
				if err != nil || host == "" {
					continue
				}
				if port != "443" {
					host = net.JoinHostPort(host, port)
				}
				add(host, "_autodiscover._tcp."+name+" SRV "+target)
			}
		}
	}
	return out
}
