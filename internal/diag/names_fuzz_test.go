package diag

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// ldhName is a host name every RFC 6125 client compares exactly.
var ldhName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)

// FuzzMatchHost: for any host and any names a certificate holds, MatchHost
// never panics, says MatchSAN exactly when crypto/x509 verifies the host,
// falls back to the CN only where RFC 6125 allows it, and never misses a
// host named exactly.
func FuzzMatchHost(f *testing.F) {
	f.Add("mail.contoso.com", "mail.contoso.com,autodiscover.contoso.com", "mail.contoso.com", true)
	f.Add("ex01.contoso.local", "*.contoso.local", "", true)
	f.Add("a.b.contoso.com", "*.contoso.com", "*.contoso.com", false)
	f.Add("ex07", "", "EX07", false)
	f.Add("192.0.2.10", "192.0.2.10,mail.contoso.com", "192.0.2.10", true)
	f.Add("xn--bcher-kva.example", "XN--BCHER-KVA.example.,\x1b[31m.example", "bücher.example", true)
	f.Fuzz(func(t *testing.T, host, sans, cn string, sanExtension bool) {
		c := &x509.Certificate{Subject: pkix.Name{CommonName: cn}}
		if sans != "" {
			for _, s := range strings.Split(sans, ",") {
				if ip := net.ParseIP(s); ip != nil {
					c.IPAddresses = append(c.IPAddresses, ip)
				} else {
					c.DNSNames = append(c.DNSNames, s)
				}
			}
		}
		if sanExtension || len(c.DNSNames)+len(c.IPAddresses) > 0 {
			c.Extensions = []pkix.Extension{{Id: oidSubjectAltName}}
		}
		got := MatchHost(c, host)
		if (got == MatchSAN) != (c.VerifyHostname(host) == nil) {
			t.Fatalf("MatchHost(%q) = %v, but VerifyHostname says %v (SANs %q)", host, got, c.VerifyHostname(host), sans)
		}
		if got == MatchCNOnly {
			shadow := &x509.Certificate{DNSNames: []string{cn}}
			if len(c.Extensions) > 0 || cn == "" || net.ParseIP(host) != nil || shadow.VerifyHostname(host) != nil {
				t.Fatalf("MatchHost(%q) = cn-only for CN %q, SAN extension %v", host, cn, len(c.Extensions) > 0)
			}
		}
		if ldhName.MatchString(host) && slices.Contains(c.DNSNames, host) && got != MatchSAN {
			t.Fatalf("MatchHost(%q) = %v although the certificate names it exactly", host, got)
		}
		names := CoveredNames(c)
		if got == MatchSAN && len(names) == 0 {
			t.Fatalf("MatchHost(%q) = san, but CoveredNames is empty", host)
		}
	})
}
