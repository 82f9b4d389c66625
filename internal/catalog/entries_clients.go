package catalog

// References of the client rules.
const (
	apple103769  = "Apple support 103769: Requirements for trusted certificates in iOS 13 and macOS 10.15"
	aiaRetrieval = "Windows Server: Authority Information Access retrieval"
	rfc5280      = "RFC 5280"
)

// clientEntries cover what clients check beyond names and dates
// (diag/rules_clients.go, diag/rules_revocation.go, the DNS rules).
var clientEntries = []Entry{
	{
		Code: CertRevoked, Severity: Error, Clients: everyone,
		Title:    "a certificate of the chain is revoked",
		Means:    text("A CRL distribution point or OCSP responder named in the certificate (or in its intermediate) lists it as revoked, in a CRL or OCSP answer signed by its issuer and still current. The message gives the date, the reason and where it was found."),
		UserSees: text(`Outlook shows a Security Alert saying "The security certificate has been revoked"; browsers refuse OWA and ECP, and phones stop syncing. No client continues.`),
		Why:      text("The certificate was revoked on the CA (superseded by a renewal, a key compromise, a server decommissioned) but is still bound on the server, or the intermediate CA itself was revoked."),
		Fix: text("Bind a valid certificate: request a new one, import it, enable it for the services the revoked one served, then remove the revoked one:",
			"  Enable-ExchangeCertificate -Server EX01 -Thumbprint NEWTHUMBPRINT -Services IIS,SMTP"),
		KB: []string{rfc5280},
	},
	{
		Code: RevocationUnavailable, Severity: Warning, Clients: []Client{OutlookWindows},
		Title:    "no revocation source answers for some clients",
		Means:    text("Every CRL distribution point and OCSP responder the certificate names failed: no answer, an HTTP error, a CRL past its next update, not signed by the issuer, or an ldap:/// distribution point. Or only sources inside the network answered (an LDAP distribution point, an HTTP one on an internal name), which clients outside cannot reach. The message lists each source and what it gave."),
		UserSees: text(`Outlook on Windows shows a Security Alert whose line reads "The revocation information for the security certificate for this site is not available. Do you want to proceed?" (WinINet ERROR_INTERNET_SEC_CERT_REV_FAILED). With an internal CA this hits laptops outside the network and computers that are not domain members; inside, domain members read the LDAP distribution point and see nothing.`),
		Why:      text("An enterprise CA publishes its CRL in Active Directory (ldap:///CN=...,CN=CDP,CN=Public Key Services,...) and perhaps on an internal web server, and nowhere clients outside reach; or the CA stopped publishing and its CRL expired; or the web server holding the CRL is down."),
		Fix: text("On the CA: publish the CRL where every client reaches it (an HTTP distribution point on a public name, added in the CA's properties, Extensions tab), publish a new CRL, and issue certificates that carry the new distribution point:",
			"  certutil -crl",
			"",
			"Then replace the server's certificate with one that names the reachable distribution point."),
		KB: []string{rfc5280},
	},
	{
		Code: ChainIncomplete, Severity: Warning, Clients: []Client{AppleMobile, Android, OutlookMac},
		Title:    "the server does not send its intermediate certificate",
		Means:    text("The chain the server sends stops short of a trusted root, and the certificate's caIssuers URL (Authority Information Access) gives the missing intermediate: exdiag fetched it, and with it the chain verifies. The root is never taken from there."),
		UserSees: text("Outlook on Windows connects: Windows downloads the missing intermediate from the caIssuers URL. ActiveSync on iPhone, iPad and Android and Outlook for Mac do not, and report that they cannot verify the server's identity."),
		Why:      text("The intermediate CA certificate is not in the server's Intermediate Certification Authorities store, so IIS and Exchange send the certificate alone."),
		Fix: text("Download the intermediate from the URL in the message to the server, add it to the computer's Intermediate Certification Authorities store, and restart IIS:",
			"  certutil -addstore CA C:\\intermediate.crt",
			"  iisreset /noforce"),
		KB: []string{aiaRetrieval},
	},
	{
		Code: CertValidityTooLong, Severity: Error, Clients: []Client{AppleMobile, OutlookMac},
		Title:    "valid for more than 825 days: Apple refuses it",
		Means:    text("The certificate was issued on or after 2019-07-01 and is valid for more than 825 days."),
		UserSees: text("Outlook on Windows accepts it. ActiveSync on iPhone and iPad and Outlook for Mac refuse it: mail stops syncing on those devices."),
		Why:      text("Enterprise CA templates often issue web server certificates for 2 to 5 years, which Windows accepts. Apple's platforms apply their own limit to every TLS server certificate issued after 2019-07-01."),
		Fix: text("Set the CA template's validity period to 2 years at most (or less than 825 days), request a new certificate and enable it:",
			"  New-ExchangeCertificate -Server EX01 -GenerateRequest -SubjectName 'CN=mail.contoso.com' -DomainName mail.contoso.com,autodiscover.contoso.com | Set-Content -Path mail.contoso.com.req"),
		KB: []string{apple103769},
	},
	{
		Code: CertEKUMissing, Severity: Error, Clients: []Client{AppleMobile, OutlookMac},
		Title:    "no extended key usage: Apple refuses it",
		Means:    text("The certificate was issued on or after 2019-07-01 without an extended key usage extension. (One that lists purposes without Server Authentication is cert-untrusted.)"),
		UserSees: text("Outlook on Windows accepts it: Windows reads a missing extended key usage as any purpose. ActiveSync on iPhone and iPad and Outlook for Mac refuse it."),
		Why:      text("The certificate came from an old or custom template that does not set purposes."),
		Fix:      text("Request a new certificate from a template with the Server Authentication purpose (the Web Server template has it) and enable it."),
		KB:       []string{apple103769},
	},
	{
		Code: DNSError, Severity: Error, Clients: everyone,
		Title:    "the DNS server fails for this name",
		Means:    text("The DNS servers asked answered SERVFAIL, or nothing, for this name, while they answer for other names of the run. The record may exist; the servers cannot give it."),
		UserSees: text("Outlook cannot reach the URL: Autodiscover, free/busy or the offline address book fail, with no certificate warning."),
		Why:      text("The zone holding the name is served by a server that is down or that this DNS server forwards to and cannot reach, a broken delegation, or a DNSSEC validation failure."),
		Fix:      text("Fix the DNS server or its forwarding for that zone, not the record. When no DNS server answers at all, exdiag stops with exit code 3 instead of reporting every name."),
	},
	{
		Code: DNSBadAddress, Severity: Error, Clients: everyone,
		Title:    "the name resolves to an address no client can use",
		Means:    text("The name resolves only to 0.0.0.0, ::, 255.255.255.255 or a multicast address. exdiag does not connect there: on Linux, 0.0.0.0 reaches the local machine, whose certificate says nothing about the server."),
		UserSees: text("Outlook cannot connect; on some systems the request goes to the local computer."),
		Why:      text("A placeholder record (0.0.0.0 is a common way to block a name) left in the zone, or a typo."),
		Fix: text("Correct the record on a DNS server of the zone:",
			"  Remove-DnsServerResourceRecord -ZoneName contoso.com -Name mail -RRType A -RecordData 0.0.0.0",
			"  Add-DnsServerResourceRecordA -ZoneName contoso.com -Name mail -IPv4Address 10.0.0.5"),
	},
}
