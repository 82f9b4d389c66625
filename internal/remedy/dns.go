package remedy

import (
	"net"
	"net/netip"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
)

// dnsMissing suggests the record a URL host lacks, pointing at the address
// of the server that owns the URL when exdiag knows it.
func (r *remedier) dnsMissing(f *diag.Finding) []diag.Fix {
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
	if addr == "" {
		return []diag.Fix{{Comment: "add a host (A) record for " + f.Host + " pointing at the Exchange server, or change the URL to a name that resolves"}}
	}
	return r.addRecord(f.Host, addr, "add the missing host record for "+f.Host)
}

// addRecord builds Add-DnsServerResourceRecordA/AAAA for host → the IP of
// addr (ip or ip:port). The zone is taken as the host's parent domain.
func (r *remedier) addRecord(host, addr, comment string) []diag.Fix {
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
