package catalog

// connEntries cover DNS, connections, TLS and URL syntax
// (diag/rules_connect.go and the TLS version rule).
var connEntries = []Entry{
	{
		Code: DNSMissing, Severity: Error, Clients: everyone,
		Title: "the host name does not resolve",
		Means: text(
			"The DNS servers exdiag asked have no A, AAAA or CNAME record for the URL's host. The message names the servers asked and tells apart NXDOMAIN (the name does not exist), no data (the name exists but has no address), SERVFAIL or REFUSED (the server failed), and no answer at all.",
		),
		UserSees: text(
			`Outlook cannot reach that URL: Autodiscover, free/busy, Out of Office or the offline address book fail, or Outlook stays "Disconnected" or "Trying to connect...". No certificate warning appears, because no connection is made.`,
		),
		Why: text(
			"The URL names a host that exists only in the other DNS view: an external name such as mail.contoso.com with no record in the internal zone (split-brain DNS), or an internal name such as ex01.contoso.local published as an ExternalUrl. It also happens when URLs were moved to a new name whose record was never created: KB 940726 assumes a host record that points the new name at the Client Access server's internal address.",
		),
		Fix: text(
			"Add the record on a DNS server of the zone (DnsServer PowerShell module), pointing at the Client Access server or the load balancer:",
			"  Add-DnsServerResourceRecordA -ZoneName contoso.com -Name mail -IPv4Address 10.0.0.5",
			"",
			"Use Add-DnsServerResourceRecordAAAA -IPv6Address for an IPv6 address. If the name rather than DNS is wrong, change the URL to a name that resolves and that the certificate covers (see name-mismatch). exdiag resolves with the --dns-server servers, so give it the DNS servers your clients use.",
		),
		KB: []string{kb940726},
	},
	{
		Code: Unreachable, Severity: Error, Clients: everyone,
		Title: "no connection could be made",
		Means: text(
			"The name resolved, but the TCP connection to the address and port failed: refused (nothing listens there), timed out (a firewall drops it, or the host is down) or no route. The message gives the address tried.",
		),
		UserSees: text(
			`Outlook cannot use that service: it shows "Disconnected" or "Trying to connect...", or one feature fails (free/busy, Out of Office, the offline address book, OWA in a browser). No certificate warning appears.`,
		),
		Why: text(
			"The server or the service is stopped, a firewall between client and server blocks the port, DNS points at an old or wrong address (a removed server, the external address seen from inside), or a load balancer has no healthy server behind it.",
		),
		Fix: text(
			"Test from the client's network:",
			"  Test-NetConnection -ComputerName mail.contoso.com -Port 443",
			"",
			"Then start the service (World Wide Web Publishing Service for HTTPS, Microsoft Exchange Transport for SMTP, Microsoft Exchange POP3 or IMAP4), open the port in the firewall, or correct the DNS record to the right address.",
		),
	},
	{
		Code: TLSError, Severity: Error, Clients: everyone,
		Title: "connected, but the TLS handshake failed",
		Means: text(
			"exdiag reached the port but got no certificate: the server reset or closed the connection, the handshake failed or timed out, or it answered in plain text where TLS was expected.",
		),
		UserSees: text(
			"Outlook reports a connection error for that service rather than a certificate warning; browsers show a page such as ERR_SSL_PROTOCOL_ERROR for OWA.",
		),
		Why: text(
			"No certificate is bound to the https binding of the IIS site (the bound certificate was deleted, or its private key cannot be read), client and server share no TLS version or cipher suite, a load balancer or firewall interferes with TLS, or the URL names a port that does not speak TLS.",
		),
		Fix: text(
			"On the server answering at that address, see which certificate is enabled for IIS, and enable a valid one:",
			"  Get-ExchangeCertificate | Format-List Thumbprint,Subject,Services,NotAfter,Status",
			"  Enable-ExchangeCertificate -Thumbprint THUMBPRINT -Services IIS",
			"",
			"Check the https binding of the Default Web Site on port 443 in IIS Manager, and the server's TLS protocol settings (SCHANNEL).",
		),
	},
	{
		Code: StartTLSMissing, Severity: Error, Clients: []Client{MailServers, ExchangeServers, PopImapClients},
		Title: "the mail server does not offer STARTTLS",
		Means: text(
			"An SMTP, IMAP or POP3 server answered but did not offer STARTTLS (STLS for POP3), so no certificate could be checked on that port.",
		),
		UserSees: text(
			"Mail clients that require encryption fail to connect or send; others fall back to clear text. Between servers, mail that requires TLS queues up. KB 953354 describes exactly this on Exchange 2007 Hub Transport and Edge Transport servers after the self-signed certificate expired.",
		),
		Why: text(
			"Exchange offers STARTTLS on a receive connector only when a valid certificate carrying the connector's FQDN (the server's FQDN when the connector has none) is enabled for SMTP. When the only such certificate expires, as Exchange 2007's one-year self-signed certificate did, Exchange stops offering STARTTLS and MSExchangeTransport logs event 12014 (no certificate with that FQDN) and event 12015 (the internal transport certificate has expired). Mail between Hub and Edge servers keeps flowing over X-ANONYMOUSTLS, which hides the problem.",
			"",
			"POP3 and IMAP4 behave alike with the certificate named by X509CertificateName (Set-PopSettings, Set-ImapSettings).",
		),
		Fix: text(
			"Find the certificate enabled for SMTP and check its names and dates:",
			"  Get-ExchangeCertificate | Format-List Thumbprint,Subject,CertificateDomains,Services,NotAfter,Status",
			"",
			"Replace it with a certificate from your CA that carries the FQDN or, only if you cannot get one, make a new self-signed one (on a Hub or Edge server, New-ExchangeCertificate enables it for SMTP by itself), and enable it for the services that need it:",
			"  New-ExchangeCertificate -DomainName ex07.contoso.com",
			"  Enable-ExchangeCertificate -Thumbprint THUMBPRINT -Services SMTP,POP,IMAP",
			"",
			"With an Edge Transport server, subscribe it again afterwards: run New-EdgeSubscription on the Edge server, copy the file to a Hub Transport server and import it there for the Edge server's site, then restart the Microsoft Exchange ADAM service on the Edge server:",
			`  New-EdgeSubscription -FileName C:\edge.xml`,
			`  New-EdgeSubscription -FileName C:\edge.xml -Site 'Default-First-Site-Name'`,
		),
		KB: []string{kb953354, selfSigned},
	},
	{
		Code: TLSLegacy, Severity: Warning, Clients: []Client{OutlookWindows, OutlookMac, AppleMobile, Android, Browsers},
		Title: "only TLS 1.0 or 1.1 was negotiated",
		Means: text(
			"exdiag offered TLS up to 1.3 and the server chose TLS 1.0 or 1.1: it does not do TLS 1.2. Its certificate was still checked.",
		),
		UserSees: text(
			"Clients with TLS 1.0 and 1.1 turned off, as current Windows and Outlook have them, fail to connect at all, with a connection error rather than a certificate warning. Older clients still connect.",
		),
		Why: text(
			"An old Windows or Exchange build without TLS 1.2, TLS 1.2 disabled in SCHANNEL or for .NET, or a load balancer or reverse proxy with an old TLS profile.",
		),
		Fix: text(
			"Update Windows and Exchange to builds that support TLS 1.2, enable TLS 1.2 for SCHANNEL and for .NET (the SchUseStrongCrypto and SystemDefaultTlsVersions registry values) as Microsoft's Exchange TLS guidance describes, restart the server, and check again. Update the TLS profile of load balancers in front of Exchange too.",
		),
	},
	{
		Code: URLInvalid, Severity: Error, Clients: []Client{OutlookWindows, OutlookMac, AppleMobile, Android},
		Title: "the URL cannot be parsed or used",
		Means: text(
			"A stored or given URL is not usable: a bad scheme, a port out of range, control characters or line breaks, user information (user@host), or no host.",
		),
		UserSees: text(
			"Outlook ignores the URL or the feature that uses it fails (Autodiscover, free/busy, the offline address book); no certificate prompt appears.",
		),
		Why: text(
			"A typo when the URL was set, a value pasted with a line break or stray characters, a script that wrote a wrong value, or an edit in ADSI Edit.",
		),
		Fix: text(
			"The finding's source names the object and the attribute. Set a valid https:// URL, on a name the certificate covers, with the cmdlet for that setting: the Set-*VirtualDirectory cmdlets take -InternalUrl and -ExternalUrl, Set-ClientAccessServer (Set-ClientAccessService on Exchange 2016 and later) takes -AutoDiscoverServiceInternalUri. For example:",
			"  Set-WebServicesVirtualDirectory -Identity 'EX01\\EWS (Default Web Site)' -InternalUrl https://mail.contoso.com/EWS/Exchange.asmx",
		),
	},
	{
		Code: URLNotHTTPS, Severity: Warning, Clients: []Client{OutlookWindows, OutlookMac},
		Title: "the URL is plain http://",
		Means: text(
			"The URL uses http://: exdiag only resolves it, there is no certificate to check.",
		),
		UserSees: text(
			"Requests, and with them credentials, travel unencrypted. Outlook ignores or warns about service URLs that are not HTTPS, so the feature behind the URL may not work.",
		),
		Why: text(
			"Exchange setup writes http://SERVER-FQDN/OAB as the default InternalUrl of the OAB virtual directory (Exchange 2007's default OAB URL is one). Other http:// URLs usually come from a typo or an old design that offloaded TLS.",
		),
		Fix: text(
			"Change it to https:// on a name the certificate covers:",
			"  Set-OABVirtualDirectory -Identity 'EX01\\OAB (Default Web Site)' -InternalUrl https://mail.contoso.com/OAB",
			"",
			"exdiag never reports the PowerShell virtual directory's http:// InternalUrl: remote PowerShell uses it with Kerberos by design, and it is meant to stay as it is. An internal Outlook Anywhere URL on http:// means InternalClientsRequireSsl is $false (the default); from Exchange 2013 on:",
			"  Set-OutlookAnywhere -Identity 'EX16\\Rpc (Default Web Site)' -InternalClientsRequireSsl $true",
		),
	},
	{
		Code: MailServiceDisabled, Severity: Info, Clients: []Client{PopImapClients},
		Title: "POP3 or IMAP4 is not started on a server",
		Means: text(
			"Every port a server's POP3 (or IMAP4) settings name refused the connection, and the settings are as setup wrote them: connection settings on the server's own name and none for clients outside. The service is off, not broken. exdiag says so once per server and protocol instead of one unreachable error per port.",
		),
		UserSees: text(
			"Nothing, unless someone uses POP3 or IMAP4: their mail program cannot connect.",
		),
		Why: text(
			"Exchange setup creates the POP3 and IMAP4 settings on every server and leaves the services stopped: POP3 and IMAP4 client connectivity isn't enabled by default (Microsoft, Enable and configure POP3 on an Exchange server).",
		),
		Fix: text(
			"Nothing to do unless users need the protocol. To offer POP3, on each server (IMAP4 likewise with MSExchangeIMAP4 and MSExchangeIMAP4BE; the BE services exist from Exchange 2013):",
			"  Set-Service MSExchangePOP3 -StartupType Automatic; Start-Service MSExchangePOP3",
			"  Set-Service MSExchangePOP3BE -StartupType Automatic; Start-Service MSExchangePOP3BE",
			"",
			"Then publish the name clients use and the certificate that covers it, and restart the services, which read their settings only when they start:",
			"  Set-PopSettings -Server EX01 -ExternalConnectionSettings mail.contoso.com:995:SSL -X509CertificateName mail.contoso.com",
		),
	},
}
