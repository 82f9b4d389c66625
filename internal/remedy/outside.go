package remedy

import (
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

// siteScope scopes an Autodiscover SCP to its server's own AD site, as
// setup does (-AutoDiscoverSiteScope; Set-ClientAccessServer on Exchange
// 2007 to 2013, Set-ClientAccessService from 2016).
func (r *remedier) siteScope(f *diag.Finding) []diag.Fix {
	var fixes []diag.Fix
	for _, src := range f.Sources {
		srv := r.server(src.Server)
		if src.Service != inventory.ServiceAutodiscoverSCP || srv == nil {
			continue
		}
		if srv.Site == "" {
			fixes = append(fixes, diag.Fix{Server: src.Server, Comment: "scope the SCP of " + src.Server + " to the AD site its clients are in (-AutoDiscoverSiteScope): exdiag does not know the server's site"})
			continue
		}
		c := newCommand(clientAccessCmdlet(srv)).arg("Identity", src.Server).arg("AutoDiscoverSiteScope", srv.Site)
		if c.err != nil {
			continue
		}
		fixes = appendFix(fixes, diag.Fix{Comment: "scope the SCP of " + src.Server + " to its own AD site, " + srv.Site + ", as setup does (name more sites, separated by commas, only where " +
			src.Server + " should also serve their clients); Outlook reads the SCP from the directory, nothing needs restarting", Shell: "powershell", Command: c.String(), Server: src.Server})
	}
	return fixes
}

// outsideOnly reports a finding whose URLs only clients outside the domain try.
func outsideOnly(f *diag.Finding) bool {
	return len(f.Sources) > 0 && !slices.ContainsFunc(f.Sources, func(s inventory.Source) bool { return s.Service != inventory.ServiceAutodiscoverOutside })
}

// outsideName fixes a name clients outside the domain meet with a
// certificate that does not cover it: the bare domain is usually the web
// site's, fixed there or skipped on the clients; autodiscover.DOMAIN and
// SRV targets are fixed in the public DNS zone.
func (r *remedier) outsideName(f *diag.Finding) []diag.Fix {
	domain := strings.ToLower(f.Sources[0].Object)
	if strings.EqualFold(f.Host, domain) {
		return []diag.Fix{{Comment: "on the web server answering for " + domain + " at " + f.Address + " (usually not Exchange): bind a certificate that also covers " + domain +
			", or stop it answering HTTPS requests for /autodiscover/. Where you manage the clients, Outlook 2016 and later skip this step with the registry value " +
			"ExcludeHttpsRootDomain = 1 (DWORD) under HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\AutoDiscover (KB 3211279)"}}
	}
	target := r.externalName(f.Host)
	zone := r.zoneWords(domain)
	if strings.EqualFold(f.Host, "autodiscover."+domain) {
		if target == "" {
			return []diag.Fix{{Comment: "bind a certificate that covers " + f.Host + " on the server answering at " + f.Address + ", or point " + f.Host + " " + zone + " at a name whose certificate covers it"}}
		}
		c := newCommand("Add-DnsServerResourceRecordCName").arg("ZoneName", domain).arg("Name", "autodiscover").arg("HostNameAlias", target)
		return []diag.Fix{{Comment: "point " + f.Host + " at " + target + ", whose certificate covers it, " + zone + ": remove its current record first (Remove-DnsServerResourceRecord), " +
			"never keep an A record beside the CNAME", Shell: "powershell", Command: c.String()}}
	}
	if target == "" {
		return []diag.Fix{{Comment: "point the SRV record _autodiscover._tcp." + domain + " " + zone + " at a name whose certificate covers it, or bind a certificate that covers " + f.Host + " there"}}
	}
	c := newCommand("Add-DnsServerResourceRecord -Srv").arg("ZoneName", domain).arg("Name", "_autodiscover._tcp").arg("DomainName", target).raw("-Priority 0 -Weight 0 -Port 443")
	return []diag.Fix{{Comment: "point the SRV record _autodiscover._tcp." + domain + " at " + target + ", whose certificate covers it, " + zone + ": remove the record that sends Outlook to " +
		f.Host + " first (Remove-DnsServerResourceRecord)", Shell: "powershell", Command: c.String()}}
}

// externalName is the host of an ExternalUrl (or outside Autodiscover URL)
// whose certificate, from a CA, covers host: where an alias for host may
// point.
func (r *remedier) externalName(host string) string {
	for _, ep := range r.rep.Endpoints {
		if ep.Source.Scope != inventory.ScopeExternal || len(ep.Chain) == 0 || strings.EqualFold(ep.Host, host) {
			continue
		}
		if c := &ep.Chain[0]; !c.SelfSigned && certCovers(c, host) && certCovers(c, ep.Host) {
			return strings.ToLower(ep.Host)
		}
	}
	return ""
}

// zoneWords names the DNS zone a record belongs in, and says it is the
// public one when exdiag asked other servers for the names outside clients
// use (--external-dns-server).
func (r *remedier) zoneWords(zone string) string {
	if len(r.in.PublicDNSServers) > 0 {
		return "in the public DNS zone " + zone + " (the one " + strings.Join(r.in.PublicDNSServers, ", ") + " answers from, at your DNS host; not the internal zone)"
	}
	return "in the DNS zone " + zone + " that clients outside the network ask (where the zone is split, the public one)"
}
