package diag

import (
	"net"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
)

var t0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func mustSelf(t *testing.T, spec lab.LeafSpec) *lab.CA {
	t.Helper()
	if spec.NotBefore.IsZero() {
		spec.NotBefore, spec.NotAfter = t0.AddDate(0, -1, 0), t0.AddDate(1, 0, 0)
	}
	c, err := lab.SelfSigned(spec)
	if err != nil {
		t.Fatal(err)
	}
	return &lab.CA{Cert: c.Leaf}
}

func TestMatchHost(t *testing.T) {
	tests := []struct {
		name string
		spec lab.LeafSpec
		host string
		want NameMatch
	}{
		{"exact SAN", lab.LeafSpec{CommonName: "mail.contoso.com", DNSNames: []string{"mail.contoso.com"}}, "mail.contoso.com", MatchSAN},
		{"SAN is case-insensitive", lab.LeafSpec{DNSNames: []string{"MAIL.Contoso.com"}}, "mail.contoso.com", MatchSAN},
		{"second SAN", lab.LeafSpec{DNSNames: []string{"mail.contoso.com", "autodiscover.contoso.com"}}, "autodiscover.contoso.com", MatchSAN},
		{"internal name not covered", lab.LeafSpec{CommonName: "mail.contoso.com", DNSNames: []string{"mail.contoso.com"}}, "ex01.contoso.local", NoMatch},
		{"wildcard covers one label", lab.LeafSpec{DNSNames: []string{"*.contoso.com"}}, "mail.contoso.com", MatchSAN},
		{"wildcard does not cover the apex", lab.LeafSpec{DNSNames: []string{"*.contoso.com"}}, "contoso.com", NoMatch},
		{"wildcard does not cover two labels", lab.LeafSpec{DNSNames: []string{"*.contoso.com"}}, "a.mail.contoso.com", NoMatch},
		{"partial-label wildcard is literal", lab.LeafSpec{DNSNames: []string{"m*.contoso.com"}}, "mail.contoso.com", NoMatch},
		{"CN ignored when a DNS SAN exists", lab.LeafSpec{CommonName: "ex01.contoso.local", DNSNames: []string{"mail.contoso.com"}}, "ex01.contoso.local", NoMatch},
		{"CN only, no SAN extension", lab.LeafSpec{CommonName: "ex07.contoso.local", OmitSAN: true}, "ex07.contoso.local", MatchCNOnly},
		{"CN-only wildcard", lab.LeafSpec{CommonName: "*.contoso.local", OmitSAN: true}, "ex07.contoso.local", MatchCNOnly},
		{"CN only, different name", lab.LeafSpec{CommonName: "mail.contoso.com", OmitSAN: true}, "ex07.contoso.local", NoMatch},
		{"single-label NetBIOS name in SAN", lab.LeafSpec{CommonName: "EX07", DNSNames: []string{"EX07", "ex07.contoso.local"}}, "ex07", MatchSAN},
		{"IDN compared in A-label form", lab.LeafSpec{DNSNames: []string{"xn--mail-bta.contoso.com"}}, "xn--mail-bta.contoso.com", MatchSAN},
		{"IP host against IP SAN", lab.LeafSpec{IPs: []net.IP{net.ParseIP("192.0.2.10")}}, "192.0.2.10", MatchSAN},
		{"IP host against IPv6 SAN", lab.LeafSpec{IPs: []net.IP{net.ParseIP("2001:db8::10")}}, "2001:db8::10", MatchSAN},
		{"IP host never matches a DNS SAN", lab.LeafSpec{DNSNames: []string{"192.0.2.10"}}, "192.0.2.10", NoMatch},
		{"IP host never matches the CN", lab.LeafSpec{CommonName: "192.0.2.10", OmitSAN: true}, "192.0.2.10", NoMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert := mustSelf(t, tt.spec).Cert
			if got := MatchHost(cert, tt.host); got != tt.want {
				t.Errorf("MatchHost(%v, %q) = %v, want %v", tt.spec.DNSNames, tt.host, got, tt.want)
			}
		})
	}
}

func TestCoveredNames(t *testing.T) {
	c := mustSelf(t, lab.LeafSpec{CommonName: "x", DNSNames: []string{"a.example", "b.example"}, IPs: []net.IP{net.ParseIP("192.0.2.1")}}).Cert
	if got, want := CoveredNames(c), []string{"a.example", "b.example", "192.0.2.1"}; !equal(got, want) {
		t.Errorf("CoveredNames = %v, want %v", got, want)
	}
	cn := mustSelf(t, lab.LeafSpec{CommonName: "legacy.example", OmitSAN: true}).Cert
	if got, want := CoveredNames(cn), []string{"legacy.example (CN only)"}; !equal(got, want) {
		t.Errorf("CoveredNames(CN only) = %v, want %v", got, want)
	}
}

func TestNormalizeThumbprint(t *testing.T) {
	const want = "3BFBD8DFD6642FE619EA98BBB6051BC5ADEBBE0C"
	for _, in := range []string{
		want,
		"3bfbd8dfd6642fe619ea98bbb6051bc5adebbe0c",
		"3b fb d8 df d6 64 2f e6 19 ea 98 bb b6 05 1b c5 ad eb be 0c",
		"3B:FB:D8:DF:D6:64:2F:E6:19:EA:98:BB:B6:05:1B:C5:AD:EB:BE:0C",
		"\u200e3bfbd8dfd6642fe619ea98bbb6051bc5adebbe0c", // the mark the Windows certificate dialog copies
	} {
		if got := NormalizeThumbprint(in); got != want {
			t.Errorf("NormalizeThumbprint(%q) = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"", "3BFB", want + "00", "ZZFBD8DFD6642FE619EA98BBB6051BC5ADEBBE0C"} {
		if got := NormalizeThumbprint(bad); got != "" {
			t.Errorf("NormalizeThumbprint(%q) = %q, want empty", bad, got)
		}
	}
}

func TestExchangeDefaultRecognised(t *testing.T) {
	c, err := lab.ExchangeSelfSigned("EX07", "ex07.contoso.local", t0.AddDate(-1, 0, -3), 1)
	if err != nil {
		t.Fatal(err)
	}
	if nb, fqdn, ok := exchangeDefault(c.Leaf); !ok || nb != "EX07" || fqdn != "ex07.contoso.local" {
		t.Errorf("exchangeDefault = %q %q %v, want EX07 ex07.contoso.local true", nb, fqdn, ok)
	}
	other := mustSelf(t, lab.LeafSpec{CommonName: "mail.contoso.com", DNSNames: []string{"mail.contoso.com"}}).Cert
	if _, _, ok := exchangeDefault(other); ok {
		t.Error("a self-signed mail.contoso.com certificate was taken for Exchange's default")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func labSpec(name string) lab.LeafSpec {
	return lab.LeafSpec{CommonName: name, DNSNames: []string{name}}
}
