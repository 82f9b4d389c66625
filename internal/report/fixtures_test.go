package report

import (
	"time"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

var (
	now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

	mailCert = diag.CertInfo{
		Subject:      "CN=mail.contoso.com, O=Contoso Ltd, L=Seattle, C=US",
		CommonName:   "mail.contoso.com",
		SANs:         []string{"mail.contoso.com", "autodiscover.contoso.com", "owa.contoso.com"},
		Issuer:       "CN=Contoso Issuing CA 01, DC=contoso, DC=com",
		NotBefore:    time.Date(2025, 6, 13, 9, 30, 0, 0, time.UTC),
		NotAfter:     time.Date(2026, 6, 13, 9, 30, 0, 0, time.UTC),
		Serial:       "4A000000123F8E2C1D9B7A650000000000123",
		Thumbprint:   "9C3F1B6E0D2A4B7C8E5F1A2B3C4D5E6F7A8B9C0D",
		SHA256:       "5E2A9D1C7B3F4E6A8D0C2B4F6E8A0C2E4B6D8F0A1C3E5B7D9F1A3C5E7B9D1F3A",
		KeyAlgorithm: "RSA-2048", SignatureAlgorithm: "SHA256-RSA",
		Revocation: []diag.RevocationCheck{
			{Kind: "crl", URL: "ldap:///CN=Contoso Issuing CA 01,CN=PKI01,CN=CDP,CN=Public Key Services", State: "good", Internal: true},
			{Kind: "ocsp", URL: "http://ocsp.contoso.com/ocsp", State: "revoked", Detail: "the ocsp responder says revoked", RevokedAt: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)},
		},
	}
	ex01Cert = diag.CertInfo{
		Subject:    "CN=EX01",
		CommonName: "EX01",
		SANs:       []string{"EX01", "EX01.contoso.local"},
		Issuer:     "CN=EX01",
		NotBefore:  time.Date(2021, 3, 1, 8, 0, 0, 0, time.UTC),
		NotAfter:   time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC),
		Serial:     "1D2C3B4A",
		Thumbprint: "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567",
		SHA256:     "AA11BB22CC33DD44EE55FF6600112233445566778899AABBCCDDEEFF00112233",
		SelfSigned: true, KeyAlgorithm: "RSA-2048", SignatureAlgorithm: "SHA256-RSA",
	}
	fabCert = diag.CertInfo{
		Subject: "CN=mail.fabrikam.com", CommonName: "mail.fabrikam.com",
		SANs:      []string{"mail.fabrikam.com", "autodiscover.fabrikam.com"},
		Issuer:    "CN=R11, O=Let's Encrypt, C=US",
		NotBefore: time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC),
		NotAfter:  time.Date(2026, 7, 19, 23, 59, 59, 0, time.UTC),
		Serial:    "03A1", Thumbprint: "1111222233334444555566667777888899990000",
		SHA256:       "0000111122223333444455556666777788889999AAAABBBBCCCCDDDDEEEEFFFF",
		KeyAlgorithm: "ECDSA-P256", SignatureAlgorithm: "SHA256-RSA",
	}
)

func vdir(server, object string, svc inventory.Service, scope inventory.Scope, attr string) inventory.Source {
	return inventory.Source{
		Origin: inventory.OriginLDAP, Service: svc, Scope: scope, Server: server, Object: object, Attribute: attr,
		DN: "CN=" + object + ",CN=HTTP,CN=Protocols,CN=" + server + ",CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com",
	}
}

func ep(url, host, addr, tls string, leaf *diag.CertInfo, src inventory.Source) diag.Endpoint {
	e := diag.Endpoint{URL: url, Scheme: "https", Host: host, Port: 443, Address: addr, Source: &src, TLSVersion: tls}
	if leaf != nil {
		e.Leaf = leaf.Thumbprint
		e.Chain = []diag.CertInfo{*leaf}
	}
	return e
}

// contosoReport has findings of every severity, several URLs per finding,
// several sources and multi-step fixes.
func contosoReport() *diag.Report {
	ews := vdir("EX01", "EWS (Default Web Site)", inventory.ServiceEWS, inventory.ScopeInternal, "msExchInternalHostName")
	owa := vdir("EX01", "owa (Default Web Site)", inventory.ServiceOWA, inventory.ScopeInternal, "msExchInternalHostName")
	scp := inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceAutodiscoverSCP, Server: "EX01", Object: "EX01",
		Attribute: "serviceBindingInformation", DN: "CN=EX01,CN=Autodiscover,CN=Protocols,CN=EX01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com"}
	mapi := vdir("EX01", "mapi (Default Web Site)", inventory.ServiceMAPI, inventory.ScopeExternal, "msExchExternalHostName")
	ext := func(o string, s inventory.Service) inventory.Source {
		return vdir("EX01", o, s, inventory.ScopeExternal, "msExchExternalHostName")
	}
	return &diag.Report{
		GeneratedAt:  now,
		Org:          "Contoso",
		DNSServers:   []string{"10.0.0.1:53", "10.0.0.2:53"},
		Certificates: []diag.CertInfo{ex01Cert, mailCert},
		Summary:      diag.Summary{URLs: 7, Hosts: 3, Handshakes: 3, Errors: 2, Warnings: 1, Infos: 1},
		Sites: []diag.SiteView{{Site: "Default-First-Site-Name", Servers: []string{"EX01"}, SCPs: []diag.SiteSCP{{
			Server: "EX01", URL: "https://ex01.contoso.local/Autodiscover/Autodiscover.xml", Rank: diag.RankInSite,
			Scope: []string{"Default-First-Site-Name"}, ServerSite: "Default-First-Site-Name", Thumbprint: ex01Cert.Thumbprint,
		}}}},
		DirectoryCertificates: []diag.StoredCertificate{{Role: "internal transport", Cert: ex01Cert, Source: inventory.Source{
			Origin: inventory.OriginLDAP, Service: inventory.ServiceInternalTransport, Server: "EX01", Object: "EX01", Attribute: "msExchServerInternalTLSCert",
			DN: "CN=EX01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com"}}},
		Endpoints: []diag.Endpoint{
			ep("https://ex01.contoso.local/Autodiscover/Autodiscover.xml", "ex01.contoso.local", "10.0.0.5:443", "TLS 1.2", &ex01Cert, scp),
			ep("https://ex01.contoso.local/EWS/Exchange.asmx", "ex01.contoso.local", "10.0.0.5:443", "TLS 1.2", &ex01Cert, ews),
			ep("https://ex01.contoso.local/owa", "ex01.contoso.local", "10.0.0.5:443", "TLS 1.2", &ex01Cert, owa),
			ep("https://mail.contoso.com/owa", "mail.contoso.com", "203.0.113.10:443", "TLS 1.3", &mailCert, ext("owa (Default Web Site)", inventory.ServiceOWA)),
			ep("https://mail.contoso.com/EWS/Exchange.asmx", "mail.contoso.com", "203.0.113.10:443", "TLS 1.3", &mailCert, ext("EWS (Default Web Site)", inventory.ServiceEWS)),
			ep("https://mail.contoso.com/Microsoft-Server-ActiveSync", "mail.contoso.com", "203.0.113.10:443", "TLS 1.3", &mailCert, ext("Microsoft-Server-ActiveSync (Default Web Site)", inventory.ServiceActiveSync)),
			ep("https://legacy.contoso.com/mapi", "legacy.contoso.com", "203.0.113.20:443", "TLS 1.0", &mailCert, mapi),
		},
		Findings: []diag.Finding{{
			Code: catalog.CertExpired, Severity: diag.Error, Host: "ex01.contoso.local", Address: "10.0.0.5:443",
			URLs: []string{"https://ex01.contoso.local/Autodiscover/Autodiscover.xml", "https://ex01.contoso.local/EWS/Exchange.asmx", "https://ex01.contoso.local/owa"},
			Message: "The certificate served by 10.0.0.5:443 for ex01.contoso.local (CN=EX01, self-signed) expired on " +
				"2026-03-01, 92 days ago. Outlook on the internal network shows a security warning at every start, and free/busy " +
				"and Out of Office fail, because Autodiscover, EWS and OWA all point at this name.",
			Sources: []inventory.Source{scp, ews, owa}, Thumbprint: ex01Cert.Thumbprint,
			Fix: []diag.Fix{{
				Comment: "on EX01, as an Exchange administrator: serve the CA-issued certificate, which is still valid",
				Shell:   "powershell", Command: "Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '9C3F1B6E0D2A4B7C8E5F1A2B3C4D5E6F7A8B9C0D' -Services IIS",
			}, {
				Comment: "then publish the internal URLs under names that certificate covers",
				Shell:   "powershell",
				Command: "Set-ClientAccessService -Identity 'EX01' -AutoDiscoverServiceInternalUri 'https://autodiscover.contoso.com/Autodiscover/Autodiscover.xml'",
			}, {
				Shell: "powershell", Command: "Set-WebServicesVirtualDirectory -Identity 'EX01\\EWS (Default Web Site)' -InternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx'",
			}, {
				Shell: "powershell", Command: "Set-OwaVirtualDirectory -Identity 'EX01\\owa (Default Web Site)' -InternalUrl 'https://mail.contoso.com/owa'",
			}},
		}, {
			Code: catalog.NameMismatch, Severity: diag.Error, Host: "legacy.contoso.com", Address: "203.0.113.20:443",
			URLs: []string{"https://legacy.contoso.com/mapi"}, Thumbprint: mailCert.Thumbprint, Sources: []inventory.Source{mapi},
			Message: "The certificate served by 203.0.113.20:443 (mail.contoso.com) does not cover legacy.contoso.com; its names are " +
				"mail.contoso.com, autodiscover.contoso.com and owa.contoso.com. Outlook reports \"The name on the security " +
				"certificate is invalid or does not match the name of the site\" and MAPI over HTTP fails.",
			Fix: []diag.Fix{{
				Comment: "on EX01, as an Exchange administrator: publish MAPI under a name the certificate covers",
				Shell:   "powershell", Command: "Set-MapiVirtualDirectory -Identity 'EX01\\mapi (Default Web Site)' -ExternalUrl 'https://mail.contoso.com/mapi'",
			}},
		}, {
			Code: catalog.CertExpiring, Severity: diag.Warning, Host: "mail.contoso.com", Address: "203.0.113.10:443",
			URLs:       []string{"https://mail.contoso.com/owa", "https://mail.contoso.com/EWS/Exchange.asmx", "https://mail.contoso.com/Microsoft-Server-ActiveSync"},
			Thumbprint: mailCert.Thumbprint,
			Message: "The certificate for mail.contoso.com (issued by Contoso Issuing CA 01) expires on 2026-06-13, in 12 days. " +
				"After that, Outlook, OWA and phones show certificate errors.",
			Fix: []diag.Fix{
				{Comment: "request a renewal from Contoso Issuing CA 01 with the same names, and import it on every Exchange server"},
				{Comment: "then, on each server", Shell: "powershell", Command: "Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '<new thumbprint>' -Services IIS,SMTP"},
			},
		}, {
			Code: catalog.TLSLegacy, Severity: diag.Info, Host: "legacy.contoso.com", Address: "203.0.113.20:443",
			URLs:    []string{"https://legacy.contoso.com/mapi"},
			Message: "203.0.113.20:443 negotiated TLS 1.0. Current Outlook builds disable TLS 1.0 and 1.1 by default.",
		}},
	}
}

// dnsReport has URLs given with --url: one host without an A record (no
// address), one that refuses connections and one that is fine.
func dnsReport() *diag.Report {
	flag := inventory.Source{Origin: inventory.OriginFlag, Service: inventory.ServiceURL}
	ad := ep("https://autodiscover.fabrikam.com/Autodiscover/Autodiscover.xml", "autodiscover.fabrikam.com", "", "", nil, flag)
	ad.Error = "no A or AAAA record (NXDOMAIN from 192.0.2.53:53)"
	owa2 := ep("https://owa2.fabrikam.com/owa", "owa2.fabrikam.com", "198.51.100.8:443", "", nil, flag)
	owa2.Error = "connection refused"
	return &diag.Report{
		GeneratedAt:  now,
		DNSServers:   []string{"192.0.2.53:53"},
		Certificates: []diag.CertInfo{fabCert},
		Summary:      diag.Summary{URLs: 3, Hosts: 3, Handshakes: 2, Errors: 2},
		Endpoints: []diag.Endpoint{
			ad, ep("https://mail.fabrikam.com/owa", "mail.fabrikam.com", "198.51.100.7:443", "TLS 1.3", &fabCert, flag), owa2,
		},
		Findings: []diag.Finding{{
			Code: catalog.DNSMissing, Severity: diag.Error, Host: "autodiscover.fabrikam.com",
			URLs: []string{ad.URL}, Sources: []inventory.Source{flag},
			Message: "autodiscover.fabrikam.com has no A or AAAA record on 192.0.2.53:53 (NXDOMAIN). Outlook cannot find " +
				"Autodiscover and keeps asking for a password, or sets up no profile at all.",
			Fix: []diag.Fix{{
				Comment: "on the DNS server for fabrikam.com, point autodiscover at the server that serves mail.fabrikam.com",
				Shell:   "powershell", Command: "Add-DnsServerResourceRecordA -ZoneName 'fabrikam.com' -Name 'autodiscover' -IPv4Address '198.51.100.7'",
			}},
		}, {
			Code: catalog.Unreachable, Severity: diag.Error, Host: "owa2.fabrikam.com", Address: "198.51.100.8:443",
			URLs: []string{owa2.URL}, Sources: []inventory.Source{flag},
			Message: "198.51.100.8:443 refused the connection, so no certificate could be checked. Check that IIS is " +
				"running on the server and that the firewall allows HTTPS.",
		}},
	}
}

// cleanReport has nothing wrong.
func cleanReport() *diag.Report {
	ext := func(o string, s inventory.Service) inventory.Source {
		return vdir("EX01", o, s, inventory.ScopeExternal, "msExchExternalHostName")
	}
	return &diag.Report{
		GeneratedAt:  now,
		Org:          "Contoso",
		DNSServers:   []string{"10.0.0.1:53"},
		Certificates: []diag.CertInfo{fabCert},
		Summary:      diag.Summary{URLs: 2, Hosts: 1, Handshakes: 1},
		Endpoints: []diag.Endpoint{
			ep("https://mail.fabrikam.com/owa", "mail.fabrikam.com", "198.51.100.7:443", "TLS 1.3", &fabCert, ext("owa (Default Web Site)", inventory.ServiceOWA)),
			ep("https://mail.fabrikam.com/EWS/Exchange.asmx", "mail.fabrikam.com", "198.51.100.7:443", "TLS 1.3", &fabCert, ext("EWS (Default Web Site)", inventory.ServiceEWS)),
		},
	}
}

// renewalReport is a renewal that reached only some servers behind
// mail.contoso.com: EX02 still serves the old certificate, EX03 could not
// be asked.
func renewalReport() *diag.Report {
	renewed := mailCert
	renewed.NotBefore, renewed.NotAfter = time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC), time.Date(2027, 5, 20, 0, 0, 0, 0, time.UTC)
	renewed.Thumbprint = "7E1D2C3B4A5968778695A4B3C2D1E0F1A2B3C4D5"
	renewed.SHA256 = "7E1D2C3B4A5968778695A4B3C2D1E0F1A2B3C4D5E6F708192A3B4C5D6E7F8091"
	owa1 := vdir("EX01", "owa (Default Web Site)", inventory.ServiceOWA, inventory.ScopeExternal, "msExchExternalHostName")
	owa2 := vdir("EX02", "owa (Default Web Site)", inventory.ServiceOWA, inventory.ScopeExternal, "msExchExternalHostName")
	servers := []diag.ServerCert{
		{Server: "EX01", Host: "mail.contoso.com", Port: 443, Service: "IIS", Address: "10.0.0.5:443", Leaf: renewed.Thumbprint},
		{Server: "EX01", Host: "mail.contoso.com", Port: 25, Service: "SMTP", Address: "10.0.0.5:25", Leaf: renewed.Thumbprint},
		{Server: "EX02", Host: "mail.contoso.com", Port: 443, Service: "IIS", Address: "10.0.0.6:443", Leaf: mailCert.Thumbprint},
		{Server: "EX02", Host: "mail.contoso.com", Port: 25, Service: "SMTP", Address: "10.0.0.6:25", Leaf: renewed.Thumbprint},
		{Server: "EX03", Host: "mail.contoso.com", Port: 443, Service: "IIS", Address: "10.0.0.7:443", Error: "refused: connection to 10.0.0.7:443 refused"},
	}
	bind := diag.Fix{Comment: "on EX02: bind the renewed certificate", Shell: "powershell", Server: "EX02",
		Command: "Enable-ExchangeCertificate -Server 'EX02' -Thumbprint '" + renewed.Thumbprint + "' -Services IIS"}
	return &diag.Report{
		GeneratedAt:  now,
		AsOf:         now,
		Org:          "Contoso",
		Certificates: []diag.CertInfo{mailCert, renewed},
		Servers:      servers,
		Summary:      diag.Summary{URLs: 2, Hosts: 1, Handshakes: 6, Errors: 1, Warnings: 1},
		Endpoints: []diag.Endpoint{
			ep("https://mail.contoso.com/owa", "mail.contoso.com", "203.0.113.10:443", "TLS 1.3", &renewed, owa1),
			ep("https://mail.contoso.com/owa", "mail.contoso.com", "203.0.113.10:443", "TLS 1.3", &renewed, owa2),
		},
		Findings: []diag.Finding{{
			Code: catalog.ServersDisagree, Severity: diag.Error, Host: "mail.contoso.com", Address: "10.0.0.6",
			URLs: []string{"https://mail.contoso.com/owa"}, Sources: []inventory.Source{owa2}, Thumbprint: renewed.Thumbprint, Servers: servers,
			Message: "mail.contoso.com is served by several servers that do not all serve the same certificate. The newest, " + renewed.Thumbprint +
				" (CN=mail.contoso.com, expires 2027-05-20), is served by EX01 and EX02; " + mailCert.Thumbprint +
				" (CN=mail.contoso.com, expires 2026-06-13) by EX02; EX03 could not be checked. Clients get a different certificate depending on which server answers.",
			Fix: []diag.Fix{bind},
		}, {
			Code: catalog.CertExpiring, Severity: diag.Warning, Host: "mail.contoso.com", Address: "10.0.0.6",
			URLs: []string{"https://mail.contoso.com/owa"}, Sources: []inventory.Source{owa2}, Thumbprint: mailCert.Thumbprint,
			Message: "The certificate CN=mail.contoso.com served at 10.0.0.6 expires on 2026-06-13, in 12 days.",
			Fix:     []diag.Fix{bind},
		}},
	}
}
