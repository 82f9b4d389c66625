package probe

import (
	"cmp"
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/inventory"
)

// ServerProbe asks what one server serves for a shared name: connect to the
// server's own address (Via, resolved like a URL host, pins applied) and
// send Host as SNI. A load-balanced namespace hides a server that still
// serves the old certificate; this finds it.
type ServerProbe struct {
	Server   string // EX02
	Via      string // the server's FQDN
	Host     string // the shared name, sent as SNI
	Port     int
	StartTLS StartTLS
}

// ServerObservation is the handshake a ServerProbe led to.
type ServerObservation struct {
	ServerProbe
	// Handshake is the key in Observations.Handshakes; zero when the server
	// had no address, with the reason in Err.
	Handshake HandshakeKey
	Err       string
}

// PlanServerProbes lists, for every name used by the URLs of two or more
// servers, a probe of each of those servers' own address with that name.
func PlanServerProbes(org *inventory.Org, endpoints []inventory.Endpoint) []ServerProbe {
	if org == nil {
		return nil
	}
	fqdn := map[string]string{}
	for _, s := range org.Servers {
		if s.FQDN != "" {
			fqdn[strings.ToLower(s.Name)] = strings.ToLower(s.FQDN)
		}
	}
	type shared struct {
		host     string
		port     int
		starttls StartTLS
	}
	owners := map[shared][]string{}
	for _, ep := range endpoints {
		t, err := ParseTarget(ep.URL)
		if err != nil || t.Plain || t.IsIP() || ep.Source.Server == "" {
			continue
		}
		k := shared{t.Host, t.Port, t.StartTLS}
		srv := strings.ToLower(ep.Source.Server)
		if !slices.Contains(owners[k], srv) {
			owners[k] = append(owners[k], srv)
		}
	}
	var out []ServerProbe
	for k, servers := range owners {
		if len(servers) < 2 {
			continue
		}
		for _, s := range servers {
			if via := fqdn[s]; via != "" && via != k.host {
				out = append(out, ServerProbe{Server: serverName(org, s), Via: via, Host: k.host, Port: k.port, StartTLS: k.starttls})
			}
		}
	}
	slices.SortFunc(out, func(a, b ServerProbe) int {
		return cmp.Or(cmp.Compare(a.Host, b.Host), cmp.Compare(a.Port, b.Port), cmp.Compare(a.StartTLS, b.StartTLS), cmp.Compare(a.Server, b.Server))
	})
	return out
}

func serverName(org *inventory.Org, lower string) string {
	for _, s := range org.Servers {
		if strings.EqualFold(s.Name, lower) {
			return s.Name
		}
	}
	return lower
}

// planServers resolves each server probe to a handshake key, adding new
// keys to obs.Handshakes (as placeholders) and returning them.
func (p *Prober) planServers(obs *Observations, probes []ServerProbe, lookups map[string]*DNSResult) []HandshakeKey {
	var keys []HandshakeKey
	for _, sp := range probes {
		so := ServerObservation{ServerProbe: sp}
		addr, _, errDetail := p.address(Target{Host: sp.Via, Port: sp.Port, StartTLS: sp.StartTLS}, lookups)
		switch {
		case addr == "":
			so.Err = sp.Via + " has no address"
			if r := lookups[sp.Via]; r != nil {
				so.Err += " (" + string(r.Status) + ")"
			}
		default:
			so.Handshake = HandshakeKey{Address: addr, SNI: sp.Host, StartTLS: sp.StartTLS}
			if _, dup := obs.Handshakes[so.Handshake]; !dup {
				if errDetail != "" {
					obs.Handshakes[so.Handshake] = &Handshake{Key: so.Handshake, Err: &ConnError{Kind: ErrUnreachable, Detail: errDetail}}
				} else {
					obs.Handshakes[so.Handshake] = nil
					keys = append(keys, so.Handshake)
				}
			}
		}
		obs.Servers = append(obs.Servers, so)
	}
	return keys
}
