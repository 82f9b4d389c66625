package probe

import (
	"context"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// AutodiscoverDNS is what a client outside the SCP path finds for an email
// domain: autodiscover.DOMAIN (A, AAAA or CNAME) and the SRV record
// _autodiscover._tcp.DOMAIN.
type AutodiscoverDNS struct {
	Domain string
	// Host is the lookup of autodiscover.DOMAIN.
	Host *DNSResult
	// SRVStatus is the outcome of the SRV lookup; SRV its targets as host:port.
	SRVStatus DNSStatus
	SRV       []string
	SRVDetail string
}

// Found reports whether clients find Autodiscover for the domain by DNS.
func (a *AutodiscoverDNS) Found() bool {
	return (a.Host != nil && a.Host.Status == DNSFound) || len(a.SRV) > 0
}

// Autodiscover looks up the Autodiscover records of each email domain
// (accepted domains; wildcards are skipped) and records them in obs.
func (p *Prober) Autodiscover(ctx context.Context, obs *Observations, domains []string) {
	if obs.Autodiscover == nil {
		obs.Autodiscover = map[string]*AutodiscoverDNS{}
	}
	var todo []string
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		if d == "" || strings.Contains(d, "*") || slices.Contains(todo, d) {
			continue
		}
		todo = append(todo, d)
	}
	results := make([]*AutodiscoverDNS, len(todo))
	var wg sync.WaitGroup
	for i, d := range todo {
		wg.Go(func() {
			p.limit.do(ctx, func() {
				a := &AutodiscoverDNS{Domain: d, Host: p.resolver.lookup(ctx, "autodiscover."+d)}
				a.SRVStatus, a.SRV, a.SRVDetail = p.resolver.srv(ctx, "_autodiscover._tcp."+d)
				results[i] = a
			})
		})
	}
	wg.Wait()
	for i, d := range todo {
		if results[i] != nil {
			obs.Autodiscover[d] = results[i]
		}
	}
	obs.Stats.DNSLookups += 2 * len(todo)
}

// srv looks up an SRV record and returns its targets, best first (RFC 2782:
// lowest priority, then highest weight).
func (r *resolver) srv(ctx context.Context, name string) (DNSStatus, []string, string) {
	m, server, notes, status := r.exchange(ctx, dns.Fqdn(name), dns.TypeSRV)
	if m == nil {
		return status, nil, strings.Join(notes, "; ")
	}
	if m.Rcode == dns.RcodeNameError {
		return DNSNXDomain, nil, "nxdomain from " + server
	}
	var recs []*dns.SRV
	for _, rr := range m.Answer {
		if s, ok := rr.(*dns.SRV); ok && s.Target != "." {
			recs = append(recs, s)
		}
	}
	if len(recs) == 0 {
		return DNSNoData, nil, "no data from " + server
	}
	slices.SortStableFunc(recs, func(a, b *dns.SRV) int {
		if a.Priority != b.Priority {
			return int(a.Priority) - int(b.Priority)
		}
		return int(b.Weight) - int(a.Weight)
	})
	out := make([]string, 0, len(recs))
	for _, s := range recs {
		out = append(out, net.JoinHostPort(strings.TrimSuffix(strings.ToLower(s.Target), "."), strconv.Itoa(int(s.Port))))
	}
	return DNSFound, out, "from " + server
}
