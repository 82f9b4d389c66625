package remedy

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/catalog"
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
		{Name: "EX13", FQDN: "ex13.contoso.local", Version: inventory.Version{Major: 15, Minor: 0, Build: 516}},
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
		rep.Endpoints = append(rep.Endpoints, diag.Endpoint{URL: u, Host: host, Source: &srcs[i]})
	}
	rep.Findings = []diag.Finding{f}
	return rep
}

// apply sets each finding's fixes as the check command does.
func apply(rep *diag.Report, in Input) { *rep = *rep.WithFixes(Fixes(rep, in)) }

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
	rep := reportWith(catalog.NameMismatch, "ex01.contoso.local", urls, srcs)
	apply(rep, Input{Org: org, DNS: found("mail.contoso.com")})
	want := []string{
		`Set-ClientAccessServer -Identity 'EX01' -AutoDiscoverServiceInternalUri 'https://mail.contoso.com/Autodiscover/Autodiscover.xml'`,
		`Set-WebServicesVirtualDirectory -Identity 'EX01\EWS (Default Web Site)' -InternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx'`,
		`Set-OABVirtualDirectory -Identity 'EX01\OAB (Default Web Site)' -InternalUrl 'https://mail.contoso.com/OAB'`,
		`Set-OwaVirtualDirectory -Identity 'EX01\owa (Default Web Site)' -ExternalUrl 'https://mail.contoso.com:8443/owa'`,
		// Exchange 2010 may run on Windows Server 2008, which has no WebAdministration module.
		`& "$env:windir\system32\inetsrv\appcmd.exe" recycle apppool /apppool.name:MSExchangeAutodiscoverAppPool`,
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
			[]string{`Set-ClientAccessService -Identity 'EX16' -AutoDiscoverServiceInternalUri 'https://mail.contoso.com/Autodiscover/Autodiscover.xml'`,
				`Invoke-Command -ComputerName 'ex16.contoso.local' -ScriptBlock { Restart-WebAppPool -Name 'MSExchangeAutodiscoverAppPool' }`}},
		{"the recycle on 2013 imports WebAdministration (Windows Server 2008 R2)", src("EX13", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)"), "https://ex13.contoso.local/EWS/Exchange.asmx",
			[]string{`Set-WebServicesVirtualDirectory -Identity 'EX13\EWS (Default Web Site)' -InternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx'`,
				`Import-Module WebAdministration; Restart-WebAppPool -Name 'MSExchangeAutodiscoverAppPool'`}},
		{"UM on 2007, recycled with iisreset (IIS 6)", src("EX07", inventory.ServiceUM, inventory.ScopeInternal, "UnifiedMessaging (Default Web Site)"), "https://ex07.contoso.local/UnifiedMessaging/Service.asmx",
			[]string{`Set-UMVirtualDirectory -Identity 'EX07\UnifiedMessaging (Default Web Site)' -InternalUrl 'https://mail.contoso.com/UnifiedMessaging/Service.asmx'`, `iisreset /noforce`}},
		{"UM never on 2010", src("EX01", inventory.ServiceUM, inventory.ScopeInternal, "UnifiedMessaging (Default Web Site)"), "https://ex01.contoso.local/UnifiedMessaging/Service.asmx", nil},
		{"MAPI never on 2013 RTM", src("EX13", inventory.ServiceMAPI, inventory.ScopeInternal, "mapi (Default Web Site)"), "https://ex13.contoso.local/mapi", nil},
		{"no OWA recycle", src("EX16", inventory.ServiceOWA, inventory.ScopeInternal, "owa (Default Web Site)"), "https://ex16.contoso.local/owa",
			[]string{`Set-OwaVirtualDirectory -Identity 'EX16\owa (Default Web Site)' -InternalUrl 'https://mail.contoso.com/owa'`}},
		{"Outlook Anywhere host name", src("EX16", inventory.ServiceOutlookAnywhere, inventory.ScopeExternal, "Rpc (Default Web Site)"), "ex16.contoso.local",
			[]string{`Set-OutlookAnywhere -Identity 'EX16\Rpc (Default Web Site)' -ExternalHostname 'mail.contoso.com'`}},
		{"Outlook Anywhere internal host on http needs the SSL switch", src("EX16", inventory.ServiceOutlookAnywhere, inventory.ScopeInternal, "Rpc (Default Web Site)"), "http://ex16.contoso.local/rpc",
			[]string{`Set-OutlookAnywhere -Identity 'EX16\Rpc (Default Web Site)' -InternalHostname 'mail.contoso.com' -InternalClientsRequireSsl $true`}},
		{"no InternalHostname before 2013", src("EX01", inventory.ServiceOutlookAnywhere, inventory.ScopeInternal, "Rpc (Default Web Site)"), "https://ex01.contoso.local/rpc", nil},
		{"POP3 from X509CertificateName, restarted", src("EX01", inventory.ServicePOP3, inventory.ScopeNone, "1"), "pop3s://ex01.contoso.local",
			[]string{`Set-PopSettings -Server 'EX01' -X509CertificateName 'mail.contoso.com'`, `Restart-Service -Name 'MSExchangePOP3'`}},
		{"receive connector: never -Fqdn, the certificate instead", src("EX16", inventory.ServiceSMTP, inventory.ScopeNone, "Default EX16"), "smtp://ex16.contoso.local",
			[]string{`New-ExchangeCertificate -Server 'EX16' -GenerateRequest -SubjectName 'CN=mail.contoso.com' -DomainName 'mail.contoso.com','autodiscover.contoso.com','ex01.contoso.local' -PrivateKeyExportable $true | Set-Content -Path 'mail.contoso.com.req'`}},
		{"--url gives no Set-* command", inventory.Source{Origin: inventory.OriginFlag, Service: inventory.ServiceURL}, "https://ex01.contoso.local/", nil},
		{"a directory value with a newline is never put into a command", src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)\r\nRemove-Mailbox x"), "https://ex01.contoso.local/EWS/Exchange.asmx", nil},
		{"smart quotes are doubled", src("EX16", inventory.ServiceOWA, inventory.ScopeInternal, "OWA \u2019 Site"), "https://ex01.contoso.local/owa",
			[]string{"Set-OwaVirtualDirectory -Identity 'EX16\\OWA \u2019\u2019 Site' -InternalUrl 'https://mail.contoso.com/owa'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := reportWith(catalog.NameMismatch, "ex01.contoso.local", []string{tt.url}, []inventory.Source{tt.src})
			apply(rep, Input{Org: org, DNS: found("mail.contoso.com")})
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
	rep := reportWith(catalog.NameMismatch, "ex01.contoso.local", []string{"https://ex01.contoso.local/EWS/Exchange.asmx"},
		[]inventory.Source{src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)")})
	apply(rep, Input{Org: org, DNS: map[string]*probe.DNSResult{"mail.contoso.com": {Status: probe.DNSNXDomain}}, DNSServers: []string{"10.0.0.10:53"}})
	got := commands(rep.Findings[0].Fix)
	want := []string{
		`Add-DnsServerResourceRecordA -ZoneName 'contoso.com' -Name 'mail' -IPv4Address '10.0.0.5'`,
		`Set-WebServicesVirtualDirectory -Identity 'EX01\EWS (Default Web Site)' -InternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx'`,
		`& "$env:windir\system32\inetsrv\appcmd.exe" recycle apppool /apppool.name:MSExchangeAutodiscoverAppPool`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if !strings.Contains(rep.Findings[0].Fix[0].Comment, "KB 940726") {
		t.Errorf("DNS step comment %q does not cite KB 940726", rep.Findings[0].Fix[0].Comment)
	}
}

func TestNoSafeNameGivesNoSetCommand(t *testing.T) {
	rep := reportWith(catalog.NameMismatch, "ex01.contoso.local", []string{"https://ex01.contoso.local/EWS/Exchange.asmx"},
		[]inventory.Source{src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)")})
	rep.Certificates[0] = diag.CertInfo{CommonName: "*.contoso.com", SANs: []string{"*.contoso.com"}, Thumbprint: mailThumb}
	apply(rep, Input{Org: org, DNS: found("mail.contoso.com")})
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
	rep := reportWith(catalog.NameMismatch, "ex01.contoso.local", []string{"https://ex01.contoso.local/EWS/Exchange.asmx"},
		[]inventory.Source{src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)")})
	apply(rep, Input{Org: org, DNS: found("webmail.contoso.com"), TargetHost: "webmail.contoso.com"})
	if got := commands(rep.Findings[0].Fix); len(got) != 2 || !strings.Contains(got[0], "'https://webmail.contoso.com/EWS/Exchange.asmx'") {
		t.Errorf("commands = %q", got)
	}
}

func TestRenewExpiredSelfSignedWithEdge(t *testing.T) {
	edgeOrg := &inventory.Org{Servers: append(append([]inventory.Server(nil), org.Servers...), inventory.Server{Name: "EDGE1", Roles: inventory.RoleEdge})}
	rep := reportWith(catalog.CertExpired, "ex07.contoso.local", []string{"https://ex07.contoso.local/owa", "smtp://ex07.contoso.local"},
		[]inventory.Source{src("EX07", inventory.ServiceOWA, inventory.ScopeInternal, "owa (Default Web Site)"), src("EX07", inventory.ServiceSMTP, inventory.ScopeNone, "Default EX07")})
	rep.Certificates[0] = diag.CertInfo{CommonName: "EX07", SANs: []string{"EX07", "ex07.contoso.local"}, Thumbprint: mailThumb, SelfSigned: true, ExchangeDefault: true}
	apply(rep, Input{Org: edgeOrg})
	got := commands(rep.Findings[0].Fix)
	// KB 953354: on the 2007 server itself (no -Server, no -Force); the new
	// certificate takes SMTP as it is made, IIS is enabled after.
	want := []string{
		`$new = New-ExchangeCertificate -DomainName 'ex07.contoso.local','EX07'; Enable-ExchangeCertificate -Thumbprint $new.Thumbprint -Services IIS`,
		`New-EdgeSubscription -FileName 'C:\EdgeSubscription.xml'`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if fx := rep.Findings[0].Fix[0]; !fx.Local || fx.Server != "EX07" || !strings.Contains(fx.Comment, "in the Exchange Management Shell on EX07") {
		t.Errorf("the 2007 renewal must be a local step on EX07: %+v", fx)
	}
}

// From Exchange 2010 the certificate cmdlets take -Server, New-ExchangeCertificate
// too (it does not take it from the pipeline); -Force only where replacing
// the internal transport certificate is the intent.
func TestRenewSelfSignedFrom2010(t *testing.T) {
	tests := []struct {
		name string
		cert diag.CertInfo
		urls []string
		want string
	}{
		{"the internal transport certificate", diag.CertInfo{CommonName: "EX16", SANs: []string{"EX16", "ex16.contoso.local"}, SelfSigned: true, ExchangeDefault: true},
			[]string{"smtp://ex16.contoso.local:2525", "https://ex16.contoso.local/owa"},
			`$new = New-ExchangeCertificate -Server 'EX16' -KeySize 2048 -PrivateKeyExportable $true -FriendlyName 'EX16' -DomainName 'EX16' -IncludeServerFQDN -Services SMTP -Force; Enable-ExchangeCertificate -Server 'EX16' -Thumbprint $new.Thumbprint -Services IIS`},
		{"another self-signed certificate on IIS", diag.CertInfo{CommonName: "owa.contoso.com", SANs: []string{"owa.contoso.com"}, SelfSigned: true},
			[]string{"https://ex16.contoso.local/owa"},
			`$new = Get-ExchangeCertificate -Server 'EX16' -Thumbprint '` + mailThumb + `' | New-ExchangeCertificate -Server 'EX16' -Services None; Enable-ExchangeCertificate -Server 'EX16' -Thumbprint $new.Thumbprint -Services IIS`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srcs []inventory.Source
			for _, u := range tt.urls {
				svc := inventory.ServiceOWA
				if strings.HasPrefix(u, "smtp") {
					svc = inventory.ServiceSMTP
				}
				srcs = append(srcs, src("EX16", svc, inventory.ScopeInternal, "x"))
			}
			rep := reportWith(catalog.CertExpiring, "ex16.contoso.local", tt.urls, srcs)
			tt.cert.Thumbprint = mailThumb
			rep.Certificates[0] = tt.cert
			apply(rep, Input{Org: org})
			fixes := rep.Findings[0].Fix
			if got := commands(fixes); len(got) != 1 || got[0] != tt.want {
				t.Fatalf("commands %q\nwant %q", got, tt.want)
			}
			if fixes[0].Local {
				t.Errorf("a 2016 step must not be local: %+v", fixes[0])
			}
			if strings.Contains(fixes[0].Command, "-Force") != strings.Contains(fixes[0].Comment, "-Force replaces") {
				t.Errorf("-Force without saying what it replaces, or the other way round: %+v", fixes[0])
			}
		})
	}
}

func TestPOPSettingsKeepPortsAndRestartBackEnd(t *testing.T) {
	dn := "CN=1,CN=POP3,CN=Protocols,CN=EX16"
	o := &inventory.Org{Servers: org.Servers, PopImap: []inventory.PopImapSettings{{Server: "EX16", Protocol: inventory.ServicePOP3, DN: dn,
		InternalConnectionSettings: []string{"ex16.contoso.local:995:SSL", "ex16.contoso.local:110:TLS"}}}}
	s := src("EX16", inventory.ServicePOP3, inventory.ScopeInternal, "1")
	s.DN, s.Attribute, s.Value = dn, "msExchPOPIMAPInternalConnectionSettings", "ex16.contoso.local:995:SSL"
	s2 := s
	s2.Value = "ex16.contoso.local:110:TLS"
	rep := reportWith(catalog.NameMismatch, "ex16.contoso.local", []string{"pop3s://ex16.contoso.local:995", "pop3://ex16.contoso.local:110"}, []inventory.Source{s, s2})
	apply(rep, Input{Org: o, DNS: found("mail.contoso.com")})
	want := []string{
		`Set-PopSettings -Server 'EX16' -InternalConnectionSettings 'mail.contoso.com:995:SSL','mail.contoso.com:110:TLS' -X509CertificateName 'mail.contoso.com'`,
		`Invoke-Command -ComputerName 'ex16.contoso.local' -ScriptBlock { Restart-Service -Name 'MSExchangePOP3','MSExchangePOP3BE' }`,
	}
	if diff := cmp.Diff(want, commands(rep.Findings[0].Fix)); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
}

// A receive connector's name is fixed by the certificate, never by
// Set-ReceiveConnector -Fqdn: a certificate of the run that covers the
// connector's name is enabled for SMTP, with the answer to Exchange's
// question about the default SMTP certificate.
func TestSMTPNameEnablesCoveringCertificate(t *testing.T) {
	rep := reportWith(catalog.NameMismatch, "ex16.contoso.local", []string{"smtp://ex16.contoso.local:25"},
		[]inventory.Source{src("EX16", inventory.ServiceSMTP, inventory.ScopeNone, "Default Frontend EX16")})
	covering := diag.CertInfo{CommonName: "mail.contoso.com", SANs: []string{"mail.contoso.com", "*.contoso.local"}, Thumbprint: "CD" + strings.Repeat("1", 38)}
	rep.Certificates = append(rep.Certificates, covering)
	apply(rep, Input{Org: org})
	fixes := rep.Findings[0].Fix
	if got, want := commands(fixes), []string{`Enable-ExchangeCertificate -Server 'EX16' -Thumbprint '` + covering.Thumbprint + `' -Services SMTP`}; !cmp.Equal(got, want) {
		t.Fatalf("commands %q, want %q", got, want)
	}
	if !strings.Contains(fixes[0].Comment, "answer No") {
		t.Errorf("the comment does not say to keep the internal transport certificate: %q", fixes[0].Comment)
	}
}

// url-not-https moves the URL to a name the certificate the host serves
// over https covers (KB 940726: http://ex07/OAB to https://mail.contoso.com/oab),
// never to the same host when that certificate does not cover it.
func TestToHTTPSMovesToACoveredName(t *testing.T) {
	rep := reportWith(catalog.URLNotHTTPS, "ex07.contoso.local", []string{"http://ex07.contoso.local/OAB"},
		[]inventory.Source{src("EX07", inventory.ServiceOAB, inventory.ScopeInternal, "OAB (Default Web Site)")})
	apply(rep, Input{Org: org, DNS: found("mail.contoso.com")})
	if got := commands(rep.Findings[0].Fix); len(got) == 0 || got[0] != `Set-OABVirtualDirectory -Identity 'EX07\OAB (Default Web Site)' -InternalUrl 'https://mail.contoso.com/OAB'` {
		t.Errorf("commands %q", got)
	}
	rep.Certificates[0].SANs = append(rep.Certificates[0].SANs, "ex07.contoso.local")
	rep.Findings[0].Fix = nil
	apply(rep, Input{Org: org, DNS: found("mail.contoso.com")})
	if got := commands(rep.Findings[0].Fix); len(got) == 0 || got[0] != `Set-OABVirtualDirectory -Identity 'EX07\OAB (Default Web Site)' -InternalUrl 'https://ex07.contoso.local/OAB'` {
		t.Errorf("a covered host keeps its name: %q", got)
	}
}

func TestPrincipalNameAndBinding(t *testing.T) {
	rep := reportWith(catalog.PrincipalNameMismatch, "mail.contoso.com", []string{"https://mail.contoso.com/rpc"},
		[]inventory.Source{src("EX02", inventory.ServiceOutlookAnywhere, inventory.ScopeExternal, "Rpc (Default Web Site)")})
	apply(rep, Input{Org: org})
	if got, want := commands(rep.Findings[0].Fix), []string{`Set-OutlookProvider EXPR -CertPrincipalName 'msstd:mail.contoso.com'`}; !cmp.Equal(got, want) {
		t.Errorf("principal name: %q, want %q", got, want)
	}
	rep = reportWith(catalog.CertUnexpected, "mail.contoso.com", []string{"https://mail.contoso.com/owa"},
		[]inventory.Source{src("EX16", inventory.ServiceOWA, inventory.ScopeExternal, "owa (Default Web Site)")})
	apply(rep, Input{Org: org, Expect: []string{"AB" + strings.Repeat("0", 38)}})
	if got, want := commands(rep.Findings[0].Fix), []string{`Enable-ExchangeCertificate -Server 'EX16' -Thumbprint 'AB` + strings.Repeat("0", 38) + `' -Services IIS`}; !cmp.Equal(got, want) {
		t.Errorf("binding: %q, want %q", got, want)
	}
	// A server the directory does not describe gets the form that works on
	// every version: no -Server, typed on that server.
	rep = reportWith(catalog.CertUnexpected, "mail.contoso.com", []string{"https://mail.contoso.com/owa"},
		[]inventory.Source{src("EX02", inventory.ServiceOWA, inventory.ScopeExternal, "owa (Default Web Site)")})
	apply(rep, Input{Org: org, Expect: []string{"AB" + strings.Repeat("0", 38)}})
	if fx := rep.Findings[0].Fix; len(fx) != 1 || strings.Contains(fx[0].Command, "-Server") || !fx[0].Local {
		t.Errorf("binding on a server of unknown version: %+v", fx)
	}
}

func TestAutodiscoverRecord(t *testing.T) {
	ews := src("EX02", inventory.ServiceEWS, inventory.ScopeExternal, "EWS (Default Web Site)")
	rep := &diag.Report{
		Certificates: []diag.CertInfo{mailCert},
		Endpoints:    []diag.Endpoint{{URL: "https://mail.contoso.com/EWS/Exchange.asmx", Host: "mail.contoso.com", Leaf: mailThumb, Source: &ews}},
		Findings:     []diag.Finding{{Code: catalog.AutodiscoverDNS, Host: "autodiscover.contoso.com"}, {Code: catalog.AutodiscoverDNS, Host: "autodiscover.fabrikam.com"}},
	}
	apply(rep, Input{})
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

// A SAN that is not a DNS host name (quotes, spaces, underscores, an
// address) is never the host URLs move to: the next valid name is chosen
// (probe never resolves such names either: TestCertNames).
func TestNonHostSANsAreNeverTargets(t *testing.T) {
	rep := reportWith(catalog.NameMismatch, "ex01.contoso.local", []string{"https://ex01.contoso.local/EWS/Exchange.asmx"},
		[]inventory.Source{src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)")})
	bad := []string{"x.contoso.com' ; Remove-Item C:\\ -Recurse ; '", "_sip._tls.contoso.com", "mail contoso.com", "10.0.0.5", "-x.contoso.com"}
	rep.Certificates[0] = diag.CertInfo{CommonName: bad[0], SANs: append(append([]string{}, bad...), "owa.contoso.com"), Thumbprint: mailThumb}
	// Nothing resolves, so the first candidate is taken (and its record added).
	apply(rep, Input{Org: org, DNS: map[string]*probe.DNSResult{}})
	got := commands(rep.Findings[0].Fix)
	if !strings.Contains(strings.Join(got, "\n"), "'https://owa.contoso.com/EWS/Exchange.asmx'") {
		t.Errorf("commands = %q, want the URL moved to owa.contoso.com", got)
	}
	for _, c := range got {
		if strings.Contains(c, "Remove-Item") || strings.Contains(c, "_sip") {
			t.Errorf("a command uses a name that is not a host: %s", c)
		}
	}
}
