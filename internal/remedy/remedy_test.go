package remedy

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

const mailThumb = "50154532722BCA3A67DD8C0AED514B458595A63A"

var (
	mailCert = diag.CertInfo{CommonName: "mail.contoso.com", SANs: []string{"mail.contoso.com", "autodiscover.contoso.com"}, Thumbprint: mailThumb}
	org      = &inventory.Org{Name: "Contoso", Servers: []inventory.Server{
		{Name: "EX01", FQDN: "ex01.contoso.local", Version: inventory.Version{Major: 14, Minor: 3, Build: 123}},
		{Name: "EX07", FQDN: "ex07.contoso.local", Version: inventory.Version{Major: 8, Minor: 3, Build: 83}},
		{Name: "EX16", FQDN: "ex16.contoso.local", Version: inventory.Version{Major: 15, Minor: 1, Build: 2507}},
	}}
)

func src(server string, svc inventory.Service, scope inventory.Scope, object string) inventory.Source {
	return inventory.Source{Origin: inventory.OriginLDAP, Service: svc, Scope: scope, Server: server, Object: object}
}

// reportWith builds a report whose endpoints hold the given URLs and sources,
// and one finding of code covering all of them.
func reportWith(code diag.Code, host string, urls []string, srcs []inventory.Source) *diag.Report {
	rep := &diag.Report{Certificates: []diag.CertInfo{mailCert}}
	f := diag.Finding{Code: code, Host: host, Address: "10.0.0.5:443", Thumbprint: mailThumb, URLs: urls, Sources: srcs}
	for i, u := range urls {
		rep.Endpoints = append(rep.Endpoints, diag.Endpoint{URL: u, Host: host, Source: srcs[i]})
	}
	rep.Findings = []diag.Finding{f}
	return rep
}

func commands(fixes []diag.Fix) []string {
	var out []string
	for _, f := range fixes {
		if f.Command != "" {
			out = append(out, f.Command)
		}
	}
	return out
}

func found(names ...string) map[string]*probe.DNSResult {
	m := map[string]*probe.DNSResult{}
	for _, n := range names {
		m[n] = &probe.DNSResult{Host: n, Status: probe.DNSFound, Addrs: []netip.Addr{netip.MustParseAddr("10.0.0.5")}}
	}
	return m
}

func TestKB940726Commands(t *testing.T) {
	urls := []string{
		"https://ex01.contoso.local/Autodiscover/Autodiscover.xml",
		"https://ex01.contoso.local/EWS/Exchange.asmx",
		"http://ex01.contoso.local/OAB",
		"https://ex01.contoso.local:8443/owa",
	}
	srcs := []inventory.Source{
		src("EX01", inventory.ServiceAutodiscoverSCP, inventory.ScopeInternal, "EX01"),
		src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)"),
		src("EX01", inventory.ServiceOAB, inventory.ScopeInternal, "OAB (Default Web Site)"),
		src("EX01", inventory.ServiceOWA, inventory.ScopeExternal, "owa (Default Web Site)"),
	}
	rep := reportWith(diag.CodeNameMismatch, "ex01.contoso.local", urls, srcs)
	Apply(rep, Input{Org: org, DNS: found("mail.contoso.com")})
	want := []string{
		`Set-ClientAccessServer -Identity 'EX01' -AutoDiscoverServiceInternalUri 'https://mail.contoso.com/Autodiscover/Autodiscover.xml'`,
		`Set-WebServicesVirtualDirectory -Identity 'EX01\EWS (Default Web Site)' -InternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx'`,
		`Set-OABVirtualDirectory -Identity 'EX01\OAB (Default Web Site)' -InternalUrl 'https://mail.contoso.com/OAB'`,
		`Set-OwaVirtualDirectory -Identity 'EX01\owa (Default Web Site)' -ExternalUrl 'https://mail.contoso.com:8443/owa'`,
		`Restart-WebAppPool -Name 'MSExchangeAutodiscoverAppPool'`,
	}
	if diff := cmp.Diff(want, commands(rep.Findings[0].Fix)); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
}

func TestVersionSpecificCmdlets(t *testing.T) {
	tests := []struct {
		name string
		src  inventory.Source
		url  string
		want []string
	}{
		{"SCP on 2016 uses Set-ClientAccessService", src("EX16", inventory.ServiceAutodiscoverSCP, inventory.ScopeInternal, "EX16"), "https://ex16.contoso.local/Autodiscover/Autodiscover.xml",
			[]string{`Set-ClientAccessService -Identity 'EX16' -AutoDiscoverServiceInternalUri 'https://mail.contoso.com/Autodiscover/Autodiscover.xml'`, `Restart-WebAppPool -Name 'MSExchangeAutodiscoverAppPool'`}},
		{"UM on 2007", src("EX07", inventory.ServiceUM, inventory.ScopeInternal, "UnifiedMessaging (Default Web Site)"), "https://ex07.contoso.local/UnifiedMessaging/Service.asmx",
			[]string{`Set-UMVirtualDirectory -Identity 'EX07\UnifiedMessaging (Default Web Site)' -InternalUrl 'https://mail.contoso.com/UnifiedMessaging/Service.asmx'`}},
		{"UM never on 2010", src("EX01", inventory.ServiceUM, inventory.ScopeInternal, "UnifiedMessaging (Default Web Site)"), "https://ex01.contoso.local/UnifiedMessaging/Service.asmx", nil},
		{"Outlook Anywhere host name", src("EX16", inventory.ServiceOutlookAnywhere, inventory.ScopeExternal, "Rpc (Default Web Site)"), "ex16.contoso.local",
			[]string{`Set-OutlookAnywhere -Identity 'EX16\Rpc (Default Web Site)' -ExternalHostname 'mail.contoso.com'`}},
		{"POP3", src("EX01", inventory.ServicePOP3, inventory.ScopeNone, "1"), "pop3s://ex01.contoso.local",
			[]string{`Set-PopSettings -Server 'EX01' -X509CertificateName 'mail.contoso.com'`}},
		{"receive connector", src("EX01", inventory.ServiceSMTP, inventory.ScopeNone, "Default EX01"), "smtp://ex01.contoso.local",
			[]string{`Set-ReceiveConnector -Identity 'EX01\Default EX01' -Fqdn 'mail.contoso.com'`}},
		{"--url gives no Set-* command", inventory.Source{Origin: inventory.OriginFlag, Service: inventory.ServiceURL}, "https://ex01.contoso.local/", nil},
		{"a directory value with a newline is never put into a command", src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)\r\nRemove-Mailbox x"), "https://ex01.contoso.local/EWS/Exchange.asmx", nil},
		{"smart quotes are doubled", src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS \u2019 Site"), "https://ex01.contoso.local/EWS/Exchange.asmx",
			[]string{"Set-WebServicesVirtualDirectory -Identity 'EX01\\EWS \u2019\u2019 Site' -InternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := reportWith(diag.CodeNameMismatch, "ex01.contoso.local", []string{tt.url}, []inventory.Source{tt.src})
			Apply(rep, Input{Org: org, DNS: found("mail.contoso.com")})
			fixes := rep.Findings[0].Fix
			if diff := cmp.Diff(tt.want, commands(fixes)); diff != "" {
				t.Errorf("commands (-want +got):\n%s", diff)
			}
			if len(fixes) == 0 {
				t.Error("no fix at all: a finding without a command must still say what to do")
			}
		})
	}
}

func TestMissingDNSRecordComesFirst(t *testing.T) {
	rep := reportWith(diag.CodeNameMismatch, "ex01.contoso.local", []string{"https://ex01.contoso.local/EWS/Exchange.asmx"},
		[]inventory.Source{src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)")})
	Apply(rep, Input{Org: org, DNS: map[string]*probe.DNSResult{"mail.contoso.com": {Status: probe.DNSNXDomain}}, DNSServers: []string{"10.0.0.10:53"}})
	got := commands(rep.Findings[0].Fix)
	want := []string{
		`Add-DnsServerResourceRecordA -ZoneName 'contoso.com' -Name 'mail' -IPv4Address '10.0.0.5'`,
		`Set-WebServicesVirtualDirectory -Identity 'EX01\EWS (Default Web Site)' -InternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx'`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if !strings.Contains(rep.Findings[0].Fix[0].Comment, "KB 940726") {
		t.Errorf("DNS step comment %q does not cite KB 940726", rep.Findings[0].Fix[0].Comment)
	}
}

func TestNoSafeNameGivesNoSetCommand(t *testing.T) {
	rep := reportWith(diag.CodeNameMismatch, "ex01.contoso.local", []string{"https://ex01.contoso.local/EWS/Exchange.asmx"},
		[]inventory.Source{src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)")})
	rep.Certificates[0] = diag.CertInfo{CommonName: "*.contoso.com", SANs: []string{"*.contoso.com"}, Thumbprint: mailThumb}
	Apply(rep, Input{Org: org, DNS: found("mail.contoso.com")})
	for _, c := range commands(rep.Findings[0].Fix) {
		if strings.HasPrefix(c, "Set-") {
			t.Errorf("printed %q although no name is safe", c)
		}
	}
	if !strings.Contains(rep.Findings[0].Fix[0].Comment, "will not move") {
		t.Errorf("first step %q does not say why", rep.Findings[0].Fix[0].Comment)
	}
}

func TestTargetHostOverrides(t *testing.T) {
	rep := reportWith(diag.CodeNameMismatch, "ex01.contoso.local", []string{"https://ex01.contoso.local/EWS/Exchange.asmx"},
		[]inventory.Source{src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)")})
	Apply(rep, Input{Org: org, DNS: found("webmail.contoso.com"), TargetHost: "webmail.contoso.com"})
	if got := commands(rep.Findings[0].Fix); len(got) != 1 || !strings.Contains(got[0], "'https://webmail.contoso.com/EWS/Exchange.asmx'") {
		t.Errorf("commands = %q", got)
	}
}

func TestRenewExpiredSelfSignedWithEdge(t *testing.T) {
	edgeOrg := &inventory.Org{Servers: append(append([]inventory.Server(nil), org.Servers...), inventory.Server{Name: "EDGE1", Roles: inventory.RoleEdge})}
	rep := reportWith(diag.CodeCertExpired, "ex07.contoso.local", []string{"https://ex07.contoso.local/owa", "smtp://ex07.contoso.local"},
		[]inventory.Source{src("EX07", inventory.ServiceOWA, inventory.ScopeInternal, "owa (Default Web Site)"), src("EX07", inventory.ServiceSMTP, inventory.ScopeNone, "Default EX07")})
	rep.Certificates[0] = diag.CertInfo{CommonName: "EX07", SANs: []string{"EX07", "ex07.contoso.local"}, Thumbprint: mailThumb, SelfSigned: true}
	Apply(rep, Input{Org: edgeOrg})
	got := commands(rep.Findings[0].Fix)
	want := []string{
		`$new = Get-ExchangeCertificate -Server 'EX07' -Thumbprint '` + mailThumb + `' | New-ExchangeCertificate -Force; Enable-ExchangeCertificate -Server 'EX07' -Thumbprint $new.Thumbprint -Services IIS,SMTP -Force`,
		`New-EdgeSubscription -FileName 'C:\EdgeSubscription.xml'`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
}

func TestPrincipalNameAndBinding(t *testing.T) {
	rep := reportWith(diag.CodePrincipalNameMismatch, "mail.contoso.com", []string{"https://mail.contoso.com/rpc"},
		[]inventory.Source{src("EX02", inventory.ServiceOutlookAnywhere, inventory.ScopeExternal, "Rpc (Default Web Site)")})
	Apply(rep, Input{Org: org})
	if got, want := commands(rep.Findings[0].Fix), []string{`Set-OutlookProvider EXPR -CertPrincipalName 'msstd:mail.contoso.com'`}; !cmp.Equal(got, want) {
		t.Errorf("principal name: %q, want %q", got, want)
	}
	rep = reportWith(diag.CodeCertUnexpected, "mail.contoso.com", []string{"https://mail.contoso.com/owa"},
		[]inventory.Source{src("EX02", inventory.ServiceOWA, inventory.ScopeExternal, "owa (Default Web Site)")})
	Apply(rep, Input{Org: org, Expect: []string{"AB" + strings.Repeat("0", 38)}})
	if got, want := commands(rep.Findings[0].Fix), []string{`Enable-ExchangeCertificate -Server 'EX02' -Thumbprint 'AB` + strings.Repeat("0", 38) + `' -Services IIS`}; !cmp.Equal(got, want) {
		t.Errorf("binding: %q, want %q", got, want)
	}
}

func TestCandidates(t *testing.T) {
	rep := &diag.Report{Certificates: []diag.CertInfo{mailCert, {CommonName: "EX07", SANs: []string{"EX07", "ex07.contoso.local", "*.contoso.com"}}}}
	got := Candidates(rep, found("mail.contoso.com"))
	if want := []string{"autodiscover.contoso.com", "ex07.contoso.local"}; !cmp.Equal(got, want) {
		t.Errorf("Candidates = %q, want %q", got, want)
	}
}

func TestAutodiscoverRecord(t *testing.T) {
	rep := &diag.Report{
		Certificates: []diag.CertInfo{mailCert},
		Endpoints:    []diag.Endpoint{{URL: "https://mail.contoso.com/EWS/Exchange.asmx", Host: "mail.contoso.com", Leaf: mailThumb, Source: src("EX02", inventory.ServiceEWS, inventory.ScopeExternal, "EWS (Default Web Site)")}},
		Findings:     []diag.Finding{{Code: diag.CodeAutodiscoverDNS, Host: "autodiscover.contoso.com"}, {Code: diag.CodeAutodiscoverDNS, Host: "autodiscover.fabrikam.com"}},
	}
	Apply(rep, Input{})
	want := [][]string{
		{`Add-DnsServerResourceRecordCName -ZoneName 'contoso.com' -Name 'autodiscover' -HostNameAlias 'mail.contoso.com'`},
		{`Add-DnsServerResourceRecord -Srv -ZoneName 'fabrikam.com' -Name '_autodiscover._tcp' -DomainName 'mail.contoso.com' -Priority 0 -Weight 0 -Port 443`},
	}
	for i, w := range want {
		if got := commands(rep.Findings[i].Fix); !cmp.Equal(got, w) {
			t.Errorf("%s: %q, want %q", rep.Findings[i].Host, got, w)
		}
	}
}
