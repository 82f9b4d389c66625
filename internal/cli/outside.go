package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// probeOutside looks Autodiscover up as Outlook on a machine outside the
// domain does, for every accepted domain users have addresses in: the DNS
// records, then https://DOMAIN/…, https://autodiscover.DOMAIN/… and the
// SRV target, resolved at --external-dns-server (default: the servers in
// use). The results go to obs.Autodiscover and obs.Outside; with
// --no-external only the DNS records are looked up.
func (o *CheckOptions) probeOutside(ctx context.Context, cfg probe.Config, internal *probe.Prober, obs *probe.Observations, org *inventory.Org) error {
	ext := internal
	if len(o.ExternalDNSServers) > 0 {
		cfg.DNSServers = nil
		for _, s := range o.ExternalDNSServers {
			addr, err := normalizeDNSServer("external-dns-server", s)
			if err != nil {
				return err
			}
			cfg.DNSServers = append(cfg.DNSServers, addr)
		}
		ext = probe.New(cfg)
	}
	var domains []string
	for _, d := range org.AcceptedDomains {
		if d.ClientDomain() {
			domains = append(domains, d.Name)
		}
	}
	before := obs.Stats.DNSLookups
	ext.Autodiscover(ctx, obs, domains)
	var endpoints []inventory.Endpoint
	if !o.Dir.NoExternal {
		endpoints = probe.OutsideEndpoints(org.AcceptedDomains, originOf(org), obs.Autodiscover)
	}
	out := ext.Run(ctx, endpoints)
	obs.Outside = out
	obs.Stats.DNSLookups += out.Stats.DNSLookups
	obs.Stats.DNSTime += out.Stats.DNSTime
	obs.Stats.Handshakes += out.Stats.Handshakes
	obs.Stats.TLSTime += out.Stats.TLSTime
	obs.Stats.Fetches += out.Stats.Fetches
	obs.Stats.FetchTime += out.Stats.FetchTime
	if len(o.ExternalDNSServers) > 0 && obs.Stats.DNSLookups > before && out.Stats.DNSAnswers == 0 && ctx.Err() == nil {
		// Every outside name would look missing.
		return runError(fmt.Errorf("no external DNS server answered (asked %s)", strings.Join(out.DNSServers, ", ")),
			"check that --external-dns-server names a resolver this machine can reach, e.g. --external-dns-server 1.1.1.1, or leave it out")
	}
	return nil
}

// originOf is where the organisation was read from.
func originOf(org *inventory.Org) inventory.Origin {
	for _, e := range org.Endpoints {
		return e.Source.Origin
	}
	return inventory.OriginLDAP
}
