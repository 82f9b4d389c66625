package catalog

// orgEntries cover the rules that need the directory's view
// (diag/rules_org.go).
var orgEntries = []Entry{
	{
		Code: PrincipalNameMismatch, Severity: Error, Clients: []Client{OutlookWindows},
		Title: "the EXPR CertPrincipalName does not match the certificate",
		Means: text(
			"Outlook Anywhere only talks to a proxy server whose certificate carries the mutual authentication name it was given, msstd:NAME, where NAME must equal the certificate's subject CN. Outlook gets that name from Autodiscover, which takes it from the EXPR Outlook provider's CertPrincipalName (msExchAutoDiscoverCertPrincipalName in Active Directory); when that is empty, Outlook uses msstd: followed by the Outlook Anywhere host name.",
			"",
			"Here the name is not of the form msstd:NAME, or NAME is not the CN of the certificate served at the Outlook Anywhere external host.",
		),
		UserSees: text(
			`Outlook Anywhere users are asked for their password again and again and never connect. Creating a profile automatically may end with "An encrypted connection to your mail server is not available. Click Next to attempt using an unencrypted connection." The Microsoft Remote Connectivity Analyzer reports "Mutual Authentication could not be established".`,
		),
		Why: text(
			"The certificate was replaced by one with another CN (a new name, or a certificate whose CN is another of its names) while CertPrincipalName still names the old one, or the value was set with a typo or without msstd:. In Outlook the same value shows in the Exchange Proxy Settings as \"Only connect to proxy servers that have this principal name in their certificate\".",
		),
		Fix: text(
			"Set the EXPR provider's CertPrincipalName to msstd: followed by the CN of the certificate Outlook Anywhere serves (the CN is in the Subject that Get-ExchangeCertificate shows):",
			"  Set-OutlookProvider EXPR -CertPrincipalName 'msstd:mail.contoso.com'",
			"",
			"Outlook picks it up at its next Autodiscover lookup; profiles set up by hand need the principal name corrected in their Exchange Proxy Settings. The other way out is a certificate whose CN is the Outlook Anywhere host name.",
		),
		KB: []string{kb2710606},
	},
	{
		Code: PrincipalNameSANOnly, Severity: Warning, Clients: []Client{OutlookWindows},
		Title: "the CertPrincipalName matches only a SAN, not the CN",
		Means: text(
			"The msstd: name Outlook Anywhere checks (from the EXPR provider's CertPrincipalName, or the Outlook Anywhere host when that is empty) is one of the certificate's subject alternative names, but not its subject CN.",
		),
		UserSees: text(
			`Most users see nothing. Outlook on Windows before Windows Vista SP1 compares the name with the CN only and fails as for a mismatch: repeated password prompts, and "Mutual Authentication could not be established" in the Remote Connectivity Analyzer, which reports this SAN-only case separately.`,
		),
		Why: text(
			"A certificate issued with another of its names as CN (for example CN=autodiscover.contoso.com with mail.contoso.com among the SANs), or a CertPrincipalName set to one of the SANs.",
		),
		Fix: text(
			"Point CertPrincipalName at the certificate's CN, or reissue the certificate with the Outlook Anywhere host name as CN:",
			"  Set-OutlookProvider EXPR -CertPrincipalName 'msstd:mail.contoso.com'",
		),
		KB: []string{kb2710606},
	},
	{
		Code: ServersDisagree, Severity: Error, Clients: everyone,
		Title: "servers behind one name serve different certificates",
		Means: text(
			"Several Exchange servers publish the same host name (behind a load balancer or DNS round robin). exdiag connected to each of them directly and they do not all serve the same certificate. The message lists which server serves which certificate, and names the newest (latest expiry) as the one to bind everywhere.",
		),
		UserSees: text(
			"Warnings some of the time: whether Outlook or the browser complains depends on which server answers, so the problem comes and goes and is hard to reproduce.",
		),
		Why: text(
			"Certificates are stored and enabled per server. A renewal was imported and enabled on one server (often the one someone was logged on to) and not on the others, or a server was added later with its default certificate.",
		),
		Fix: text(
			"Export the newest certificate with its private key from a server that has it (Export-ExchangeCertificate), import it on each server that lags (Import-ExchangeCertificate), and enable it there:",
			"  Enable-ExchangeCertificate -Server EX02 -Thumbprint THUMBPRINT -Services IIS",
			"",
			"Then check that every server serves it:",
			"  exdiag check --expect-thumbprint THUMBPRINT",
		),
	},
	{
		Code: AutodiscoverDNS, Severity: Warning, Clients: []Client{OutlookWindows, OutlookMac, AppleMobile, Android},
		Title: "Autodiscover is not in DNS for an accepted domain",
		Means: text(
			"For an accepted domain of the organisation, neither autodiscover.DOMAIN (A or CNAME) nor the SRV record _autodiscover._tcp.DOMAIN exists at the DNS servers asked.",
			"",
			"Outlook looks for Autodiscover in this order: the SCP in Active Directory (domain-joined PCs only), https://DOMAIN/autodiscover/autodiscover.xml, https://autodiscover.DOMAIN/autodiscover/autodiscover.xml, a redirect from http://autodiscover.DOMAIN, and last the SRV record. Outlook 2016 and later add steps of their own (KB 3211279).",
		),
		UserSees: text(
			"Domain-joined Outlook inside the network is not affected: it finds Autodiscover through the SCP in Active Directory. Outlook on PCs that are not domain-joined (at home, at partners) cannot set up a profile by itself for addresses in that domain, and phones cannot find the server either: users must type server settings by hand.",
		),
		Why: text(
			"The record was never created for a domain added later, it exists only in the internal or only in the public zone, or it went away with an old server.",
		),
		Fix: text(
			"When the certificate covers autodiscover.DOMAIN, point that name at the external host name:",
			"  Add-DnsServerResourceRecordCName -ZoneName contoso.com -Name autodiscover -HostNameAlias mail.contoso.com",
			"",
			"Otherwise publish the SRV record: Outlook then connects to its target, a name the certificate does cover, after asking the user once whether to allow the redirection:",
			"  Add-DnsServerResourceRecord -Srv -ZoneName contoso.com -Name _autodiscover._tcp -DomainName mail.contoso.com -Priority 0 -Weight 0 -Port 443",
			"",
			"Create it in the zone outside clients use (at your public DNS provider), and in the internal zone if clients there need it too.",
		),
		KB: []string{kb3211279},
	},
}
