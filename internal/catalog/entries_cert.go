package catalog

// certEntries cover the certificate rules (diag/rules_cert.go).
var certEntries = []Entry{
	{
		Code: NameMismatch, Severity: Error, Clients: everyone,
		Title: "the certificate does not cover the host name in the URL",
		Means: text(
			"The host name in a URL that Exchange publishes (or that you gave with --url) is not one of the names on the certificate the server sends. exdiag checks names the way current clients do: the DNS subject alternative names (SANs) count, a wildcard stands for exactly one left-most label, and the subject CN counts only when the certificate has no SANs at all, and then only within the name constraints of the CAs above it: a CA limited to contoso.com cannot vouch for another name by putting it in the CN. The message lists the names the certificate does cover, or names the CA whose constraints forbid the name.",
		),
		UserSees: text(
			`Outlook shows a Security Alert saying "The name of the security certificate is invalid or does not match the name of the site". Clicking Yes only gets rid of it until Outlook next looks up Autodiscover, free/busy, Out of Office or the offline address book, so on domain-joined PCs it keeps coming back. Browsers show a name error for OWA and ECP.`,
		),
		Why: text(
			"Exchange setup stores the server's own name in the Autodiscover service connection point (SCP) and in the InternalUrl of the EWS, OAB and, on Exchange 2007, UM virtual directories, for example https://ex01.contoso.local/EWS/Exchange.asmx. The self-signed certificate setup creates names that server, so everything matches at first.",
			"",
			"Once that certificate is replaced by one issued for mail.contoso.com, the stored URLs still name ex01.contoso.local. Domain-joined Outlook inside the network finds Autodiscover through the SCP in Active Directory and then uses the URLs it gets back, so it connects to a name the new certificate does not carry (KB 940726). Outlook Anywhere users outside the network do not hit this internal case, but an ExternalUrl or Outlook Anywhere host name that the certificate lacks breaks the same way for them.",
		),
		Fix: text(
			"Either point the URLs at a name the certificate covers, or get a certificate that also covers the names in the URLs. KB 940726 does the first; exdiag check prints the commands for your servers. In the Exchange Management Shell:",
			"  Set-ClientAccessServer -Identity EX01 -AutoDiscoverServiceInternalUri https://mail.contoso.com/Autodiscover/Autodiscover.xml",
			"  Set-WebServicesVirtualDirectory -Identity 'EX01\\EWS (Default Web Site)' -InternalUrl https://mail.contoso.com/EWS/Exchange.asmx",
			"  Set-OABVirtualDirectory -Identity 'EX01\\OAB (Default Web Site)' -InternalUrl https://mail.contoso.com/OAB",
			"  Set-UMVirtualDirectory -Identity 'EX07\\UnifiedMessaging (Default Web Site)' -InternalUrl https://mail.contoso.com/UnifiedMessaging/Service.asmx",
			"",
			"Set-ClientAccessServer is for Exchange 2007, 2010 and 2013; on Exchange 2016, 2019 and Subscription Edition use Set-ClientAccessService. Set-UMVirtualDirectory exists only in Exchange 2007: from Exchange 2010 on, clients use the EWS URL instead. ExternalUrls take -ExternalUrl on the same cmdlets (and on Set-OwaVirtualDirectory, Set-EcpVirtualDirectory, Set-ActiveSyncVirtualDirectory and Set-MapiVirtualDirectory); Outlook Anywhere host names take Set-OutlookAnywhere -ExternalHostname or -InternalHostname.",
			"",
			"Internal clients must resolve the new name to the server's internal address. If mail.contoso.com has no record in the internal DNS zone, add one first, on a DNS server:",
			"  Add-DnsServerResourceRecordA -ZoneName contoso.com -Name mail -IPv4Address 10.0.0.5",
			"",
			"Finally recycle the MSExchangeAutodiscoverAppPool application pool on each Client Access server (IIS Manager, Application Pools, Recycle), so Autodiscover hands out the new URLs:",
			"  Restart-WebAppPool -Name MSExchangeAutodiscoverAppPool",
		),
		KB: []string{kb940726, rfc6125},
	},
	{
		Code: CNOnlyMatch, Severity: Error, Clients: []Client{AppleMobile, OutlookMac, Browsers},
		Title: "the host name is only in the certificate's subject CN",
		Means: text(
			"The certificate has no subject alternative names, and the host is named only in its subject common name (CN). RFC 6125 treats the CN as a last resort for old certificates; Apple's platforms and Chrome ignore it altogether and look only at the SANs.",
		),
		UserSees: text(
			"Outlook on Windows connects without a warning: Windows checks the SANs when the certificate has them and otherwise falls back to the CN. ActiveSync on iPhone and iPad and Outlook for Mac refuse the certificate (Apple: DNS names in the CommonName of a certificate are no longer trusted, from iOS 13 and macOS 10.15), and Chrome and Edge refuse OWA and ECP with NET::ERR_CERT_COMMON_NAME_INVALID. So the same certificate works on the PC and fails on the phone.",
		),
		Why: text(
			"The certificate was requested without SANs: an old request template, a request made in IIS Manager instead of with New-ExchangeCertificate -DomainName, or a CA template that keeps only the subject.",
		),
		Fix: text(
			"Request a new certificate that lists every name clients use as a DNS SAN, with the CN repeated among them:",
			"  New-ExchangeCertificate -GenerateRequest -SubjectName 'CN=mail.contoso.com' -DomainName mail.contoso.com,autodiscover.contoso.com | Set-Content -Path mail.contoso.com.req",
			"",
			"Submit the request to your CA, import the answer with Import-ExchangeCertificate on each server, and enable it for the services the old certificate had:",
			"  Enable-ExchangeCertificate -Thumbprint THUMBPRINT -Services IIS",
		),
		KB: []string{rfc6125},
	},
	{
		Code: CertExpired, Severity: Error, Clients: everyone,
		Title: "a certificate the server sends has expired",
		Means: text(
			"The certificate the server sends, or an intermediate CA certificate sent with it, is past its end date (NotAfter). The message says which one, and when it expired.",
			"",
			"The same code covers certificates the directory stores, which exdiag reads without connecting anywhere (also from an ldifde export): each server's internal transport certificate (msExchServerInternalTLSCert, the Edge subscription certificate on an Edge server), the federation trust's certificates, and the OAuth certificate the Auth Configuration names when a server served it. Their source says \"internal transport certificate (directory)\", \"federation trust (directory)\" or \"Auth Configuration (directory)\".",
		),
		UserSees: text(
			`Outlook shows a Security Alert that begins "Information you exchange with this site cannot be viewed or changed by others. However, there is a problem with the site's security certificate." and says "The security certificate has expired or is not yet valid". Browsers refuse OWA and ECP with an expiry error and ActiveSync phones stop syncing. When the certificate is the one transport uses, mail servers stop offering STARTTLS (see starttls-missing).`,
		),
		Why: text(
			"Nobody renewed it in time. Exchange 2007's default self-signed certificate is valid for one year when it was made before Exchange 2007 SP2, and for five years from SP2 on (Exchange 2010 and later also make five-year certificates); certificates from public CAs now last about a year or less.",
			"",
			"A renewed certificate that was imported but never enabled, or enabled on only some servers, leaves the old one in use. An expired intermediate means the server still sends an old chain.",
		),
		Fix: text(
			"Find the certificate and the services it is enabled for (in the table view of Get-ExchangeCertificate, a W among the Services letters means IIS):",
			"  Get-ExchangeCertificate | Format-List Thumbprint,Subject,CertificateDomains,Services,NotAfter",
			"",
			"Renew a CA certificate through your CA (New-ExchangeCertificate -GenerateRequest, then Import-ExchangeCertificate), and enable the new one for the same services on every server:",
			"  Enable-ExchangeCertificate -Thumbprint THUMBPRINT -Services IIS,SMTP",
			"",
			"A self-signed certificate can be renewed by cloning it, on the server that holds it (KB 953354); the clone only buys time, so plan its replacement by one from your CA:",
			"  Get-ExchangeCertificate -Thumbprint THUMBPRINT | New-ExchangeCertificate",
			"",
			"If an Edge Transport server subscribes to the organisation, subscribe it again afterwards (see starttls-missing). For an expired intermediate, install the current intermediate certificate in the server's Intermediate Certification Authorities store and restart IIS (iisreset).",
			"",
			"An expired internal transport certificate is renewed on its server as KB 953354 (Exchange 2007) or Microsoft's HealthChecker (2010 and later) describe; a federation certificate that still works is replaced with a new one set as the trust's next certificate, then published; an expired one needs the federation trust created again:",
			"  Set-FederationTrust -Identity 'Microsoft Federation Gateway' -Thumbprint THUMBPRINT -RefreshMetadata",
			"  Set-FederationTrust -Identity 'Microsoft Federation Gateway' -PublishFederationCertificate",
		),
		KB: []string{kb953354, selfSigned},
	},
	{
		Code: CertNotYetValid, Severity: Error, Clients: everyone,
		Title: "a certificate the server sends is not valid yet",
		Means: text(
			"A certificate the server sends has a start date (NotBefore) later than the time exdiag judged at.",
		),
		UserSees: text(
			`Outlook shows the same Security Alert as for an expired certificate: "The security certificate has expired or is not yet valid". Browsers and phones refuse the connection.`,
		),
		Why: text(
			"Usually a clock: the server's or the client's time is wrong (a virtual machine that lost time synchronisation, a wrong time zone), or exdiag ran with --as-of in the past. Less often, a certificate was enabled right after it was issued with a start date in the future.",
		),
		Fix: text(
			"Check the time on the Exchange server, the clients and the domain controllers; domain members take their time from the domain hierarchy:",
			"  w32tm /query /status",
			"",
			"If the clocks are right, keep the old certificate enabled until the new one's start date:",
			"  Enable-ExchangeCertificate -Thumbprint OLDTHUMBPRINT -Services IIS",
		),
		KB: []string{kb953354},
	},
	{
		Code: CertExpiring, Severity: Warning, Clients: everyone,
		Title: "a certificate the server sends expires soon",
		Means: text(
			"A certificate the server sends expires within --warn-days (30 days unless set otherwise). The message gives the date and the days left.",
		),
		UserSees: text(
			`Nothing yet. From the expiry date on, Outlook shows "The security certificate has expired or is not yet valid", phones stop syncing, and mail servers may stop offering STARTTLS (KB 953354).`,
		),
		Why: text(
			"Certificates are valid for a fixed period. Renewing takes lead time: a public CA validates the request, and the new certificate must then be imported and enabled on every server that serves the name.",
		),
		Fix: text(
			"Renew it now, as for cert-expired: request the new certificate, import it with Import-ExchangeCertificate on every server behind the name, and enable it for the same services:",
			"  Enable-ExchangeCertificate -Server EX01 -Thumbprint NEWTHUMBPRINT -Services IIS",
			"",
			"Then check that every endpoint serves it:",
			"  exdiag check --expect-thumbprint NEWTHUMBPRINT",
		),
		KB: []string{kb953354},
	},
	{
		Code: CertSelfSigned, Severity: Warning, Clients: []Client{OutlookWindows, OutlookMac, AppleMobile, Android, Browsers},
		Title: "the certificate is self-signed",
		Means: text(
			"The certificate is signed by its own key, not by a CA, so no client trusts it unless it was installed on that client by hand. exdiag recognises Exchange's own default certificate (CN = the server's NetBIOS name, SANs = that name and the server's FQDN) and says so.",
		),
		UserSees: text(
			`Outlook on a PC that does not trust it shows "The security certificate was issued by a company you have not chosen to trust". Browsers warn about OWA and ECP, and users can click through. Outlook Anywhere and ActiveSync phones do not work with it at all.`,
			"",
			"Microsoft's Exchange 2007 documentation notes one case that works: domain-joined Outlook 2007 on the internal network, while the URLs still name the server as setup wrote them. That is what the default certificate is for.",
		),
		Why: text(
			"Exchange setup creates a self-signed certificate on every Exchange 2007 role except Mailbox, so that servers can encrypt traffic among themselves and clients have something until a real certificate is installed. It is still in use because no certificate from a CA was installed and enabled for the service.",
		),
		Fix: text(
			"Request a certificate from your enterprise CA (Active Directory Certificate Services) or a public CA that names every host clients use, import it with Import-ExchangeCertificate, and enable it:",
			"  New-ExchangeCertificate -GenerateRequest -SubjectName 'CN=mail.contoso.com' -DomainName mail.contoso.com,autodiscover.contoso.com | Set-Content -Path mail.contoso.com.req",
			"  Enable-ExchangeCertificate -Thumbprint THUMBPRINT -Services IIS",
			"",
			"Leave the default certificate on the server for traffic between Exchange servers. If clients must use a self-signed certificate for a while, it has to be imported into each client's Trusted Root Certification Authorities store.",
			"",
			"exdiag does not report the default certificate where Exchange uses it by design: on the connectors only Exchange servers use (from Exchange 2013 the back-end Default <SERVER> on 2525 and Client Proxy <SERVER> on 465, and Outbound Proxy Frontend <SERVER> on 717) and on any SMTP connector Exchange gives it, where it is the server's internal transport certificate, which Microsoft advises not to replace. There only its expiry is judged.",
		),
		KB: []string{selfSigned, kb953354},
	},
	{
		Code: SelfSignedExternal, Severity: Error, Clients: []Client{OutlookWindows, OutlookMac, AppleMobile, Android, Browsers},
		Title: "a self-signed certificate where outside clients connect",
		Means: text(
			"A self-signed certificate is served for an ExternalUrl, an Outlook Anywhere host or the ActiveSync virtual directory: the places clients outside the network, and phones, connect to.",
		),
		UserSees: text(
			`Outlook Anywhere does not connect, ActiveSync phones refuse to sync, and browsers at home warn about OWA ("The security certificate was issued by a company you have not chosen to trust", or an untrusted-connection page).`,
		),
		Why: text(
			"Exchange's default self-signed certificate is still enabled for IIS: no CA certificate was installed after setup, or it was enabled on only some servers. Microsoft's Exchange 2007 documentation states that self-signed certificates are not supported for Outlook Anywhere and Exchange ActiveSync.",
		),
		Fix: text(
			"Get a certificate from a public CA (clients outside the network do not trust your enterprise CA) that names every external host, and enable it for IIS on every Client Access server:",
			"  New-ExchangeCertificate -GenerateRequest -SubjectName 'CN=mail.contoso.com' -DomainName mail.contoso.com,autodiscover.contoso.com | Set-Content -Path mail.contoso.com.req",
			"  Enable-ExchangeCertificate -Server EX01 -Thumbprint THUMBPRINT -Services IIS",
		),
		KB: []string{selfSigned},
	},
	{
		Code: CertUntrusted, Severity: Error, Clients: everyone,
		Title: "the certificate chain does not lead to a trusted root",
		Means: text(
			"exdiag could not build a chain from the served certificate to a root trusted by the machine it ran on (plus any --ca-file): the issuer is unknown, an intermediate certificate is missing from what the server sends, or the certificate is not valid for server authentication. The message says which.",
		),
		UserSees: text(
			`Outlook shows "The security certificate was issued by a company you have not chosen to trust". Browsers show an untrusted-connection page for OWA, and phones refuse to sync. Clients with other roots may differ: a domain-joined PC that trusts the enterprise CA through Group Policy is fine while a home PC or a phone is not.`,
		),
		Why: text(
			"A certificate from an internal CA used for names that outside clients reach; a server that sends its own certificate without the intermediate; a certificate issued from the wrong template (no Server Authentication usage); or exdiag run without --ca-file on a machine that does not trust your enterprise root.",
		),
		Fix: text(
			"Missing intermediate: install the issuing CA's certificate in the server's Intermediate Certification Authorities store, then restart IIS, so the server sends the whole chain:",
			"  certutil -addstore CA issuing-ca.cer",
			"  iisreset",
			"",
			"Enterprise CA: deploy its root to every client by Group Policy; for clients you do not manage (phones, home PCs, partners) use a certificate from a public CA. Wrong usage: request a new certificate from a web server template. To check with your enterprise root from any machine:",
			"  exdiag check --ca-file corp-root.pem",
		),
		KB: []string{selfSigned},
	},
	{
		Code: CertUnexpected, Severity: Error,
		Title: "the endpoint serves another certificate than expected",
		Means: text(
			"You gave --expect-thumbprint, and this endpoint (or, for a name several servers share, one of those servers) serves another certificate. The message names the certificate it serves.",
		),
		UserSees: text(
			"It depends on the certificate served: often nothing yet, because the old certificate is still valid, or that certificate's name, expiry or trust warning. After a renewal that reached only some servers, users get the new or the old certificate depending on which server answers.",
		),
		Why: text(
			"Certificates are per server: each Exchange server keeps its own copy in its computer store and binds it itself. A new certificate must be imported on every server and enabled there for every service that uses it (IIS for the web services, SMTP, POP, IMAP). A load balancer or reverse proxy that terminates TLS has its own copy to replace too.",
		),
		Fix: text(
			"On each server named, import the certificate with its private key if it is missing (Export-ExchangeCertificate on a server that has it, Import-ExchangeCertificate on the others), then enable it:",
			"  Get-ExchangeCertificate -Server EX02 | Format-List Thumbprint,Services,NotAfter",
			"  Enable-ExchangeCertificate -Server EX02 -Thumbprint THUMBPRINT -Services IIS",
			"",
			"Replace it on load balancers and reverse proxies in front of Exchange as well, then check again:",
			"  exdiag check --expect-thumbprint THUMBPRINT",
		),
	},
}
