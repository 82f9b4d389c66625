package remedy

import (
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

// dnsMissing suggests the record a URL host lacks, pointing at the address
// of the server that owns the URL when exdiag knows it.
func (r *remedier) dnsMissing(f *diag.Finding) []diag.Fix {
	host := f.Host
	var alias string
	if res := r.in.DNS[strings.ToLower(f.Host)]; res != nil && len(res.CNAMEs) > 0 {
		// A name that holds a CNAME holds no other record (RFC 1034
		// section 3.6.2): the record to add is the alias target's.
		alias, host = f.Host, res.CNAMEs[len(res.CNAMEs)-1]
	}
	addr := f.Address
	if addr == "" {
		for _, s := range serversOf(f) {
			if srv := r.server(s); srv != nil && srv.FQDN != "" {
				if d := r.in.DNS[strings.ToLower(srv.FQDN)]; d != nil && len(d.Addrs) > 0 {
					addr = d.Addrs[0].String()
					break
				}
			}
		}
	}
	if alias != "" {
		repoint := diag.Fix{Comment: "or point the alias " + alias + " at a name that exists (Remove-DnsServerResourceRecord, then Add-DnsServerResourceRecordCName); never add an A record for " + alias + " beside its CNAME"}
		if addr == "" {
			return []diag.Fix{{Comment: "create " + host + ", the missing target of the alias " + alias + ", pointing at the Exchange server"}, repoint}
		}
		return append(r.addRecord(host, addr, "create "+host+", the missing target of the alias "+alias), repoint)
	}
	if addr == "" {
		return []diag.Fix{{Comment: "add a host (A) record for " + f.Host + " pointing at the Exchange server, or change the URL to a name that resolves"}}
	}
	return r.addRecord(f.Host, addr, "add the missing host record for "+f.Host)
}

// addRecord builds Add-DnsServerResourceRecordA/AAAA for host → the IP of
// addr (ip or ip:port). The zone is taken as the host's parent domain.
func (r *remedier) addRecord(host, addr, comment string) []diag.Fix {
	if first, ok := r.recordAddr[host]; ok {
		addr = first
	} else {
		r.recordAddr[host] = addr
	}
	ipText := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		ipText = h
	}
	ip, err := netip.ParseAddr(ipText)
	label, zone, ok := strings.Cut(host, ".")
	if err != nil || !ok || zone == "" {
		return []diag.Fix{{Comment: comment + ": add a host record for " + host + " pointing at the server's address"}}
	}
	c := newCommand("Add-DnsServerResourceRecordA").arg("ZoneName", zone).arg("Name", label).arg("IPv4Address", ip.String())
	if ip.Is6() && !ip.Is4In6() {
		c = newCommand("Add-DnsServerResourceRecordAAAA").arg("ZoneName", zone).arg("Name", label).arg("IPv6Address", ip.String())
	}
	if c.err != nil {
		return []diag.Fix{{Comment: comment}}
	}
	return []diag.Fix{{Comment: comment + " (on a DNS server of the zone " + zone + ")", Shell: "powershell", Command: c.String()}}
}

// autodiscoverDNS publishes Autodiscover for an accepted domain: a CNAME to
// the external name when a served certificate covers autodiscover.DOMAIN,
// else an SRV record pointing at the external name (which the certificate
// does cover).
func (r *remedier) autodiscoverDNS(f *diag.Finding) []diag.Fix {
	domain := strings.TrimPrefix(f.Host, "autodiscover.")
	target := ""
	for _, ep := range r.rep.Endpoints {
		if ep.SourceValue().Scope == inventory.ScopeExternal && ep.Host != "" && ep.Leaf != "" {
			target = ep.Host
			break
		}
	}
	if target == "" {
		return []diag.Fix{{Comment: "publish autodiscover." + domain + " (A or CNAME) or _autodiscover._tcp." + domain + " (SRV) pointing at the Exchange external name"}}
	}
	covered := slices.ContainsFunc(r.rep.Certificates, func(c diag.CertInfo) bool {
		return slices.ContainsFunc(c.SANs, func(s string) bool { return strings.EqualFold(s, f.Host) })
	})
	var c *command
	var comment string
	if covered {
		c = newCommand("Add-DnsServerResourceRecordCName").arg("ZoneName", domain).arg("Name", "autodiscover").arg("HostNameAlias", target)
		comment = "point autodiscover." + domain + " at " + target + " " + r.zoneWords(domain)
	} else {
		c = newCommand("Add-DnsServerResourceRecord -Srv").arg("ZoneName", domain).arg("Name", "_autodiscover._tcp").arg("DomainName", target).raw("-Priority 0 -Weight 0 -Port 443")
		comment = "no served certificate covers autodiscover." + domain + ", so publish the SRV record, which sends Outlook to " + target + ", " + r.zoneWords(domain)
	}
	if c.err != nil {
		return []diag.Fix{{Comment: comment}}
	}
	return []diag.Fix{{Comment: comment, Shell: "powershell", Command: c.String()}}
}
