package catalog

// References of the explanations of the names and certificates Exchange
// itself refers to.
const (
	kb2989382 = "KB 2989382" // hybrid mail stops after a certificate renewal: TlsCertificateName
	authTool  = "CSS-Exchange: MonitorExchangeAuthCertificate"
	siteBlog  = "Exchange Team Blog: Exchange Active Directory Deployment Site"
)

// directoryEntries cover the certificates and names the directory holds
// (diag/rules_directory.go, rules_connectors.go, rules_sites.go).
var directoryEntries = []Entry{
	{
		Code: ConnectorCertMismatch, Severity: Error, Clients: []Client{MailServers, ExchangeServers},
		Title: "a connector's TlsCertificateName names the wrong certificate",
		Means: text(
			"A receive or send connector names the certificate it must use in TlsCertificateName (msExchSmtpTLSCertificate in Active Directory), as \"<I>issuer<S>subject\". The certificate it names is not the one the connector's servers serve, or it has expired. For a send connector, this code also covers an FQDN (the name the connector announces) that the named certificate does not cover.",
		),
		UserSees: text(
			"No Outlook user sees a dialog. Mail stops: the receive connector no longer offers STARTTLS, so Exchange Online in a hybrid deployment, and partners that require TLS, cannot deliver; the send connector \"Outbound to Office 365\" cannot present the certificate Exchange Online expects, and mail to the cloud queues. The Transport service logs event 12014.",
		),
		Why: text(
			"The certificate was renewed from another CA (or an intermediate CA changed its name), or with another subject, and TlsCertificateName still names the old issuer and subject (KB 2989382). Renewals with the same issuer and subject keep working.",
		),
		Fix: text(
			"Point TlsCertificateName at the certificate the servers serve, built from its Issuer and Subject exactly as Get-ExchangeCertificate shows them, after enabling it for SMTP where it is not yet (from Exchange 2013 on):",
			"  Enable-ExchangeCertificate -Server EX01 -Thumbprint THUMBPRINT -Services SMTP",
			"  Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsCertificateName '<I>CN=R3, O=Let''s Encrypt, C=US<S>CN=mail.contoso.com'",
			"  Set-SendConnector -Identity 'Outbound to Office 365' -TlsCertificateName '<I>CN=R3, O=Let''s Encrypt, C=US<S>CN=mail.contoso.com'",
			"",
			"exdiag quotes the value for PowerShell: a single quote in a name is doubled. In a hybrid deployment the Hybrid Configuration Wizard sets these values; running it again after a renewal also fixes them.",
		),
		KB: []string{kb2989382},
	},
	{
		Code: InternalTransportMismatch, Severity: Warning, Clients: []Client{ExchangeServers},
		Title: "the published internal transport certificate is not served",
		Means: text(
			"Every Exchange server publishes its internal transport certificate (the default SMTP certificate) in Active Directory, in msExchServerInternalTLSCert on its server object. Where only Exchange servers connect (from Exchange 2013: ports 2525, 465 and 717), the server presents another certificate than the one published.",
		),
		UserSees: text(
			"Users see nothing. Mail between Exchange servers, and with an Edge Transport server, may lose its authentication: Edge subscriptions and Exchange's other servers trust the published copy.",
		),
		Why: text(
			"The certificate was replaced on the server (or the server restored) without answering Yes to \"overwrite the existing default SMTP certificate\", or the published value is left over from an older certificate.",
		),
		Fix: text(
			"Enable the certificate the server presents for SMTP again and answer Yes when asked whether to overwrite the default SMTP certificate: Exchange then writes it to the directory. Re-create Edge subscriptions afterwards.",
			"  Enable-ExchangeCertificate -Server EX01 -Thumbprint THUMBPRINT -Services SMTP",
		),
		KB: []string{kb953354},
	},
	{
		Code: AutodiscoverSiteScope, Severity: Warning, Clients: []Client{OutlookWindows},
		Title: "an Autodiscover SCP is scoped to the wrong AD site",
		Means: text(
			"Outlook on a domain-joined machine reads every Autodiscover service connection point (SCP) and tries them in this order: those scoped to its own AD site (the SCP's Site= keywords, AutoDiscoverSiteScope), then those scoped to no site, then the others. Here an SCP is scoped to a site that does not exist in the forest, or the clients of a site try another site's server first although a server of their own site has an SCP.",
			"",
			"The per-site view of the report (JSON: sites) lists, for each AD site with Exchange servers, the SCPs in the order its clients try them, with the certificate each serves.",
		),
		UserSees: text(
			"Slow Outlook starts and profile creation in branch offices: Autodiscover crosses the WAN. Where the other site's server serves another certificate, its name and certificate problems reach these users too; when the WAN link is down, Autodiscover fails although a local server is up.",
		),
		Why: text(
			"A site was renamed or removed after the SCP was scoped to it, a server was moved to another site (Exchange does not rewrite the scope), or AutoDiscoverSiteScope was set to the main site on every server.",
		),
		Fix: text(
			"Scope each SCP to its server's own site, as setup does: Set-ClientAccessServer on Exchange 2007, 2010 and 2013, Set-ClientAccessService on 2016 and later:",
			"  Set-ClientAccessService -Identity EX03 -AutoDiscoverSiteScope 'Branch-Office'",
			"  Set-ClientAccessServer -Identity EX13 -AutoDiscoverSiteScope 'Default-First-Site-Name'",
			"",
			"Several sites may be given, separated by commas, where a server should serve their clients too. Outlook reads the SCPs from the directory: nothing needs restarting.",
		),
		KB: []string{siteBlog},
	},
	{
		Code: AuthCertUnknown, Severity: Info, Clients: []Client{Browsers, ExchangeServers},
		Title: "the OAuth certificate cannot be checked from here",
		Means: text(
			"The Auth Configuration (Get-AuthConfig) names the certificate Exchange signs OAuth tokens with by its thumbprint only; the certificate itself is in each server's certificate store. No server served it during the check and the directory does not store it, so exdiag cannot tell whether it is there or when it expires.",
		),
		UserSees: text(
			"Nothing while the certificate is valid. When it has expired or is missing on a server: hybrid free/busy and mailbox moves with Exchange Online fail, and on Exchange 2013 and later OWA and the Exchange admin center may refuse to sign in.",
		),
		Why: text(
			"Exchange setup creates \"Microsoft Exchange Server Auth Certificate\", valid five years; nothing renews it by itself.",
		),
		Fix: text(
			"Check it on each server with the Mailbox role, or let Microsoft's script check every server and renew it when needed:",
			"  Get-ExchangeCertificate -Thumbprint THUMBPRINT | Format-List Thumbprint,Subject,NotAfter,Status",
			"  .\\MonitorExchangeAuthCertificate.ps1 -ValidateAndRenewAuthCertificate $true",
		),
		KB: []string{authTool},
	},
}
