package lab

import (
	"fmt"
	"strings"

	"github.com/miekg/dns"
)

// maxCNAMEChain bounds how many CNAMEs one answer follows, so that loops end.
const maxCNAMEChain = 8

// zone holds the lab's records, keyed by lower-case fully qualified name.
type zone struct {
	rrs      map[string][]dns.RR
	exists   map[string]bool // owners and their ancestors (empty non-terminals exist too)
	servfail map[string]bool
}

func newZone(records, servfail []string) (*zone, error) {
	z := &zone{rrs: map[string][]dns.RR{}, exists: map[string]bool{}, servfail: map[string]bool{}}
	for _, s := range records {
		rr, err := dns.NewRR(s)
		if err != nil {
			return nil, fmt.Errorf("lab: dns record %q: %w", s, err)
		}
		if rr == nil {
			continue // blank or comment
		}
		name := canonicalName(rr.Header().Name)
		z.rrs[name] = append(z.rrs[name], rr)
		labels := dns.SplitDomainName(name)
		for i := range labels {
			z.exists[strings.Join(labels[i:], ".")+"."] = true
		}
	}
	for _, name := range servfail {
		z.servfail[canonicalName(name)] = true
	}
	return z, nil
}

// lookup answers as an authoritative server would: it follows CNAMEs
// within the zone, and its rcode is that of the last name in the chain
// (RFC 6604), so a CNAME to a missing name is NXDOMAIN with the CNAME in
// the answer.
func (z *zone) lookup(qname string, qtype uint16) (answer, authority []dns.RR, rcode int) {
	name := canonicalName(qname)
	seen := map[string]bool{}
	for hop := 0; ; hop++ {
		if z.servfail[name] {
			return nil, nil, dns.RcodeServerFailure
		}
		if !z.exists[name] {
			return answer, []dns.RR{z.soa(name)}, dns.RcodeNameError
		}
		if cname := z.cname(name); cname != nil && qtype != dns.TypeCNAME && qtype != dns.TypeANY {
			answer = append(answer, cname)
			seen[name] = true
			name = canonicalName(cname.Target)
			if seen[name] || hop == maxCNAMEChain-1 {
				return answer, nil, dns.RcodeSuccess
			}
			continue
		}
		found := false
		for _, rr := range z.rrs[name] {
			if rr.Header().Rrtype == qtype || qtype == dns.TypeANY {
				answer = append(answer, rr)
				found = true
			}
		}
		if !found {
			return answer, []dns.RR{z.soa(name)}, dns.RcodeSuccess
		}
		return answer, nil, dns.RcodeSuccess
	}
}

func (z *zone) cname(name string) *dns.CNAME {
	for _, rr := range z.rrs[name] {
		if c, ok := rr.(*dns.CNAME); ok {
			return c
		}
	}
	return nil
}

// soa returns the closest enclosing SOA of the records, or makes one up
// for the name's last two labels.
func (z *zone) soa(name string) dns.RR {
	labels := dns.SplitDomainName(name)
	for i := range labels {
		for _, rr := range z.rrs[strings.Join(labels[i:], ".")+"."] {
			if rr.Header().Rrtype == dns.TypeSOA {
				return rr
			}
		}
	}
	apex := name
	if len(labels) > 2 {
		apex = strings.Join(labels[len(labels)-2:], ".") + "."
	}
	return &dns.SOA{
		Hdr:     dns.RR_Header{Name: apex, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 60},
		Ns:      "ns.lab.invalid.",
		Mbox:    "hostmaster.lab.invalid.",
		Serial:  1,
		Refresh: 3600,
		Retry:   600,
		Expire:  86400,
		Minttl:  60,
	}
}

func canonicalName(name string) string {
	return strings.ToLower(dns.Fqdn(name))
}
