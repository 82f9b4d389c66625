package catalog

// pathEntries cover the path clients build (diag/rules_path.go) and
// what their platforms refuse beyond it (diag/rules_profile.go).
var pathEntries = []Entry{
	{
		Code: ChainExtraCert, Severity: Warning, Clients: []Client{Android},
		Title: "the server sends a certificate no valid path uses",
		Means: text(
			"Besides its own certificate and the intermediates that lead to a trusted root, the server sends another certificate that is on no path clients can build to a root they trust: an expired cross-certificate, an old intermediate, an intermediate with an extension clients reject, or one that belongs to another chain. The message names the certificate, says what is wrong with it and shows the path clients use instead.",
			"",
			"exdiag judges validity, keys, signatures and critical extensions on the path clients build, as clients do, so a certificate sent but not used is a warning of its own and never an error about the path. When nothing is wrong with it, the finding is only information: a client that trusts other roots may need it, as old devices needed the cross-certificates CAs publish for them.",
		),
		UserSees: text(
			"Outlook on Windows, iPhone, iPad and Mac clients and current browsers see nothing: they build every path they can and pick the valid one. Clients that follow the chain in the order the server sends it can take the path through the bad certificate and fail with an expiry or trust error: OpenSSL 1.0 and LibreSSL 3.1 and older (appliances, monitoring, scripts using curl or wget, Linux mail clients), older GnuTLS and older Android versions. When the AddTrust External CA Root and its cross-certificate expired in May 2020, this is how servers still sending that cross-certificate broke those clients while browsers kept working.",
		),
		Why: text(
			"Exchange and IIS send the chain Windows builds from the server's own certificate stores. A cross-certificate or an old intermediate left in the computer's Intermediate Certification Authorities store (often installed with the CA's old bundle) can end up in that chain. A load balancer or reverse proxy in front of Exchange sends whatever chain was configured on it.",
		),
		Fix: text(
			"On each Exchange server, find the certificate the message names (by subject and issuer) in the computer's Intermediate Certification Authorities store and delete it, or disable it for all purposes; then restart IIS so that it sends the new chain:",
			`  Get-ChildItem Cert:\LocalMachine\CA | Where-Object Subject -like '*Old Intermediate*' | Format-List Subject,Issuer,NotAfter,Thumbprint`,
			`  Remove-Item Cert:\LocalMachine\CA\THUMBPRINT`,
			"  iisreset",
			"",
			"On a load balancer or reverse proxy, replace the configured chain with the leaf and the intermediates the message shows on the valid path.",
		),
		KB: []string{rfc5280},
	},
	{
		Code: CertProfile, Severity: Error, Clients: []Client{OutlookWindows, AppleMobile, OutlookMac},
		Title: "Windows or Apple clients refuse the certificate",
		Means: text(
			"The certificate, or a CA certificate on its path, breaks a rule that the platforms of Exchange clients enforce although the chain itself verifies: today, an extended key usage extension that lists no purpose at all. The message names the certificate and the clients that refuse it.",
		),
		UserSees: text(
			`Outlook on Windows reports that the certificate is not valid for the requested usage (Windows reads an empty extended key usage as "valid for no purpose"), and iPhone and iPad ActiveSync and Outlook for Mac refuse the connection (Apple requires Server Authentication in the extended key usage from iOS 13 and macOS 10.15). Clients built on Go or OpenSSL may connect, so the problem looks like it depends on the device.`,
		),
		Why: text(
			"A certificate template or request tool that writes the extended key usage extension with no purpose in it, usually a home-made or appliance CA; an AD CS template always lists at least one purpose.",
		),
		Fix: text(
			"Reissue the certificate with Server Authentication (1.3.6.1.5.5.7.3.1) in its extended key usage (with AD CS, from the Web Server template or a copy of it), import it with Import-ExchangeCertificate and enable it for the services the old one had:",
			"  Enable-ExchangeCertificate -Thumbprint THUMBPRINT -Services IIS",
			"",
			"A CA certificate with this problem has to be reissued by its parent CA.",
		),
		KB: []string{rfc5280, apple103769},
	},
}
