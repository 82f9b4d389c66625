package remedy

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// storedReport is a report with one finding about a certificate read from
// the directory, and that certificate.
func storedReport(code diag.Code, cert diag.CertInfo, srcs ...inventory.Source) *diag.Report {
	return &diag.Report{GeneratedAt: now,
		DirectoryCertificates: []diag.StoredCertificate{{Role: "internal transport", Source: srcs[0], Cert: cert}},
		Findings:              []diag.Finding{{Code: code, Severity: diag.Error, Host: "x", Thumbprint: cert.Thumbprint, Sources: srcs}}}
}

func TestInternalTransportRenewalFromTheDirectory(t *testing.T) {
	self := func(name string) diag.CertInfo {
		return diag.CertInfo{CommonName: name, SANs: []string{name, strings.ToLower(name) + ".contoso.local"}, Thumbprint: "AB" + strings.Repeat("0", 38), SelfSigned: true, ExchangeDefault: true}
	}
	it := func(server string) inventory.Source {
		return inventory.Source{Origin: inventory.OriginLDIF, Service: inventory.ServiceInternalTransport, Server: server, Object: server, Attribute: "msExchServerInternalTLSCert"}
	}
	withEdge := &inventory.Org{Servers: append(append([]inventory.Server{}, org.Servers...), inventory.Server{Name: "EDGE01", Roles: inventory.RoleEdge, Version: inventory.Version{Major: 8, Minor: 1}})}
	for _, tt := range []struct {
		name   string
		org    *inventory.Org
		server string
		want   []string
		local  bool
	}{
		{"Exchange 2007: KB 953354's command, on the server", org, "EX07", []string{"$new = New-ExchangeCertificate -DomainName 'ex07.contoso.local','EX07'"}, true},
		{"Exchange 2016: HealthChecker's command, enabled for SMTP", org, "EX16", []string{"$new = New-ExchangeCertificate -Server 'EX16' -KeySize 2048 -PrivateKeyExportable $true -FriendlyName 'EX16' -DomainName 'EX16' -IncludeServerFQDN -Services SMTP -Force"}, false},
		{"an Edge server: on the Edge, then subscribe again", withEdge, "EDGE01", []string{"New-ExchangeCertificate -DomainName 'edge01.contoso.local','EDGE01' -Services SMTP", `New-EdgeSubscription -FileName 'C:\EdgeSubscription.xml'`}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := storedReport(catalog.CertExpired, self(tt.server), it(tt.server))
			apply(rep, Input{Org: tt.org})
			fixes := rep.Findings[0].Fix
			if diff := cmp.Diff(tt.want, commands(fixes)); diff != "" {
				t.Errorf("commands (-want +got):\n%s", diff)
			}
			if len(fixes) == 0 || fixes[0].Server != tt.server || fixes[0].Local != tt.local {
				t.Errorf("first fix %+v: want server %s, local %v", fixes, tt.server, tt.local)
			}
		})
	}
}

func TestFederationAndAuthRenewal(t *testing.T) {
	fed := diag.CertInfo{CommonName: "Federation", SANs: []string{"Federation"}, Thumbprint: "FE" + strings.Repeat("0", 38), SelfSigned: true}
	trust := inventory.Source{Service: inventory.ServiceFederationTrust, Object: "Microsoft Federation Gateway", Attribute: "msExchFedOrgCertificate"}
	withDomains := &inventory.Org{Servers: org.Servers, AcceptedDomains: []inventory.AcceptedDomain{{Name: "fabrikam.com", Type: inventory.InternalRelay}, {Name: "contoso.com"}}}

	rep := storedReport(catalog.CertExpiring, fed, trust)
	apply(rep, Input{Org: withDomains})
	fixes := rep.Findings[0].Fix
	want := []string{
		"$new = New-ExchangeCertificate -DomainName 'Federation' -FriendlyName 'Exchange Delegation Federation' -Services Federation -SubjectKeyIdentifier ([guid]::NewGuid().ToString('N')) -PrivateKeyExportable $true; Set-FederationTrust -Identity 'Microsoft Federation Gateway' -Thumbprint $new.Thumbprint -RefreshMetadata",
		"Set-FederationTrust -Identity 'Microsoft Federation Gateway' -PublishFederationCertificate",
	}
	if diff := cmp.Diff(want, commands(fixes)); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if len(fixes) != 3 || !strings.Contains(fixes[1].Comment, "Get-FederatedDomainProof -DomainName contoso.com") {
		t.Errorf("the TXT record step does not name the first domain users have: %+v", fixes)
	}

	rep = storedReport(catalog.CertExpired, fed, trust)
	apply(rep, Input{Org: withDomains})
	if fixes := rep.Findings[0].Fix; len(commands(fixes)) != 0 || !strings.Contains(fixes[0].Comment, "Remove-FederationTrust") {
		t.Errorf("an expired federation certificate: %+v", fixes)
	}

	auth := inventory.Source{Service: inventory.ServiceAuthConfig, Object: "Auth Configuration"}
	rep = storedReport(catalog.CertExpired, fed, auth)
	apply(rep, Input{Org: withDomains})
	if fixes := rep.Findings[0].Fix; len(fixes) != 1 || !strings.Contains(fixes[0].Comment, "MonitorExchangeAuthCertificate.ps1 -ValidateAndRenewAuthCertificate $true") {
		t.Errorf("auth renewal: %+v", fixes)
	}
}

// The connector names the certificate the servers serve, built from its
// issuer and subject and quoted for PowerShell; where the servers do not
// serve it on SMTP yet, it is enabled first.
func TestConnectorCertificateFix(t *testing.T) {
	renewed := diag.CertInfo{CommonName: "mail.contoso.com", SANs: []string{"mail.contoso.com"}, Thumbprint: "CD" + strings.Repeat("1", 38),
		NotAfter: now.AddDate(1, 0, 0), TLSCertificateName: "<I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.contoso.com"}
	rcSrc := inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceSMTP, Server: "EX16", Object: "Default Frontend EX16", DN: "CN=Default Frontend EX16"}
	connOrg := func(server string) *inventory.Org {
		return &inventory.Org{Servers: org.Servers, ReceiveConnectors: []inventory.ReceiveConnector{{Server: server, Name: "Default Frontend " + server, DN: "CN=Default Frontend EX16",
			FQDN: "mail.contoso.com", TLSCertificateName: "<I>CN=Old CA<S>CN=mail.contoso.com", Enabled: true}}}
	}
	set := `Set-ReceiveConnector -Identity 'EX16\Default Frontend EX16' -TlsCertificateName '<I>CN=R3, O=Let''s Encrypt, C=US<S>CN=mail.contoso.com'`
	for _, tt := range []struct {
		name   string
		scheme string // where EX16 serves the renewed certificate
		server string
		want   []string
	}{
		{"served on SMTP already", "smtp", "EX16", []string{set}},
		{"served on IIS only: enable it for SMTP first", "https", "EX16", []string{"Enable-ExchangeCertificate -Server 'EX16' -Thumbprint '" + renewed.Thumbprint + "' -Services SMTP", set}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := &diag.Report{GeneratedAt: now, Certificates: []diag.CertInfo{renewed},
				Endpoints: []diag.Endpoint{{URL: tt.scheme + "://mail.contoso.com", Scheme: tt.scheme, Host: "mail.contoso.com", Source: &inventory.Source{Server: "EX16"}, Leaf: renewed.Thumbprint, Chain: []diag.CertInfo{renewed}}},
				Findings:  []diag.Finding{{Code: catalog.ConnectorCertMismatch, Severity: diag.Error, Host: "mail.contoso.com", Sources: []inventory.Source{rcSrc}}}}
			apply(rep, Input{Org: connOrg(tt.server)})
			if diff := cmp.Diff(tt.want, commands(rep.Findings[0].Fix)); diff != "" {
				t.Errorf("commands (-want +got):\n%s", diff)
			}
		})
	}
	// Nothing valid served: a request, no command naming a certificate.
	rep := &diag.Report{GeneratedAt: now, Findings: []diag.Finding{{Code: catalog.ConnectorCertMismatch, Severity: diag.Error, Sources: []inventory.Source{rcSrc}}}}
	apply(rep, Input{Org: connOrg("EX16")})
	if fixes := rep.Findings[0].Fix; len(commands(fixes)) != 0 || !strings.Contains(fixes[0].Comment, "request a certificate") {
		t.Errorf("no candidate: %+v", fixes)
	}
}

func TestSiteScopeAndOutsideFixes(t *testing.T) {
	sited := &inventory.Org{Servers: []inventory.Server{
		{Name: "EX13", Site: "Branch", Version: inventory.Version{Major: 15, Minor: 0, Build: 1497}},
		{Name: "EX16", Site: "HQ", Version: inventory.Version{Major: 15, Minor: 1, Build: 2507}},
	}}
	rep := &diag.Report{Findings: []diag.Finding{
		{Code: catalog.AutodiscoverSiteScope, Sources: []inventory.Source{src("EX13", inventory.ServiceAutodiscoverSCP, inventory.ScopeInternal, "EX13")}},
		{Code: catalog.AutodiscoverSiteScope, Sources: []inventory.Source{src("EX16", inventory.ServiceAutodiscoverSCP, inventory.ScopeInternal, "EX16")}},
	}}
	apply(rep, Input{Org: sited})
	got := append(commands(rep.Findings[0].Fix), commands(rep.Findings[1].Fix)...)
	want := []string{"Set-ClientAccessServer -Identity 'EX13' -AutoDiscoverSiteScope 'Branch'", "Set-ClientAccessService -Identity 'EX16' -AutoDiscoverSiteScope 'HQ'"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("site scope commands (-want +got):\n%s", diff)
	}

	outside := inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceAutodiscoverOutside, Scope: inventory.ScopeExternal, Object: "contoso.com"}
	covering := diag.CertInfo{CommonName: "mail.contoso.com", SANs: []string{"mail.contoso.com", "autodiscover.contoso.com"}, Thumbprint: mailThumb}
	rep = &diag.Report{
		Endpoints: []diag.Endpoint{{URL: "https://mail.contoso.com/owa", Host: "mail.contoso.com", Source: new(src("EX16", inventory.ServiceOWA, inventory.ScopeExternal, "owa")), Chain: []diag.CertInfo{covering}}},
		Findings: []diag.Finding{
			{Code: catalog.NameMismatch, Host: "contoso.com", Address: "203.0.113.80:443", Sources: []inventory.Source{outside}},
			{Code: catalog.NameMismatch, Host: "autodiscover.contoso.com", Address: "203.0.113.81:443", Sources: []inventory.Source{outside}},
		}}
	apply(rep, Input{Org: sited, PublicDNSServers: []string{"198.51.100.53:53"}})
	if f := rep.Findings[0].Fix; len(f) != 1 || f[0].Command != "" || !strings.Contains(f[0].Comment, "ExcludeHttpsRootDomain") || !strings.Contains(f[0].Comment, "203.0.113.80:443") {
		t.Errorf("bare domain: %+v", f)
	}
	f := rep.Findings[1].Fix
	if diff := cmp.Diff([]string{"Add-DnsServerResourceRecordCName -ZoneName 'contoso.com' -Name 'autodiscover' -HostNameAlias 'mail.contoso.com'"}, commands(f)); diff != "" {
		t.Errorf("autodiscover record (-want +got):\n%s", diff)
	}
	if !strings.Contains(f[0].Comment, "in the public DNS zone contoso.com (the one 198.51.100.53:53 answers from") {
		t.Errorf("the fix does not say the zone is the public one: %q", f[0].Comment)
	}
}
