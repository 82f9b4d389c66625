package catalog

// cryptoEntries cover weak or malformed certificates
// (diag/rules_crypto.go).
var cryptoEntries = []Entry{
	{
		Code: CertWeakKey, Severity: Error, Clients: []Client{AppleMobile, OutlookMac, Browsers},
		Title: "a certificate has an RSA key under 2048 bits",
		Means: text(
			"A certificate the server sends, or an intermediate sent with it, has an RSA key shorter than 2048 bits. The message gives the size.",
		),
		UserSees: text(
			"It depends on the client and the size. Windows has refused RSA keys under 1024 bits since the KB 2661254 update, so Outlook then reports a certificate problem or cannot connect; public CAs stopped issuing keys under 2048 bits years ago, and browsers and other clients increasingly refuse them too.",
		),
		Why: text(
			"An old certificate, or a request made with a small key size (New-ExchangeCertificate -KeySize 1024, an old appliance or tool).",
		),
		Fix: text(
			"Request a new certificate with a 2048-bit or larger key, import the answer with Import-ExchangeCertificate, and enable it for the same services:",
			"  New-ExchangeCertificate -GenerateRequest -KeySize 2048 -SubjectName 'CN=mail.contoso.com' -DomainName mail.contoso.com,autodiscover.contoso.com | Set-Content -Path mail.contoso.com.req",
			"  Enable-ExchangeCertificate -Thumbprint THUMBPRINT -Services IIS",
			"",
			"For a weak intermediate, the CA itself needs a new key and certificate.",
		),
		KB: []string{"KB 2661254"},
	},
	{
		Code: CertWeakSignature, Severity: Error, Clients: []Client{AppleMobile, OutlookMac, Browsers},
		Title: "a certificate is signed with MD5, MD2 or SHA-1",
		Means: text(
			"A certificate in the served chain (roots excepted: clients trust a root as it is) is signed with a hash that collisions have been forged for: MD2 or MD5 (ERROR) or SHA-1 (WARN).",
		),
		UserSees: text(
			"Browsers refuse it (in Chrome and Edge: NET::ERR_CERT_WEAK_SIGNATURE_ALGORITHM). Windows rejects MD5 and MD2 signatures, and other clients, depending on version and policy, reject SHA-1 or treat it as untrusted, so Outlook may report a certificate problem or fail to connect.",
		),
		Why: text(
			"An enterprise CA still set to sign with SHA-1 (common on CAs installed before 2016), an old template, or a very old certificate.",
		),
		Fix: text(
			"Set the enterprise CA to sign with SHA-256 and restart it, then reissue the certificate and enable it on every server:",
			`  certutil -setreg ca\csp\CNGHashAlgorithm SHA256`,
			"  Restart-Service certsvc",
			"  Enable-ExchangeCertificate -Thumbprint THUMBPRINT -Services IIS",
			"",
			"An intermediate CA certificate that is itself SHA-1-signed has to be renewed by its parent CA.",
		),
	},
	{
		Code: CertNegativeSerial, Severity: Warning,
		Title: "a certificate has a negative serial number",
		Means: text(
			"A served certificate has a negative serial number. RFC 5280 requires serial numbers to be positive.",
		),
		UserSees: text(
			"Outlook and browsers on Windows generally accept it. Clients built with Go (from Go 1.23 on) and some appliances, proxies and phones refuse the certificate outright.",
		),
		Why: text(
			"The CA encoded the serial number with the top bit of its first byte set and no leading zero byte: a bug of some old or home-made CAs and appliances.",
		),
		Fix: text(
			"Reissue the certificate from a CA that makes positive serial numbers (Active Directory Certificate Services does), import it with Import-ExchangeCertificate and enable it:",
			"  Enable-ExchangeCertificate -Thumbprint THUMBPRINT -Services IIS",
		),
		KB: []string{"RFC 5280"},
	},
	{
		Code: CertUnknownCriticalExtension, Severity: Error, Clients: everyone,
		Title: "a certificate has an unknown critical extension",
		Means: text(
			"A served certificate (not a root) carries an extension marked critical that clients do not know. RFC 5280 requires a client to reject a certificate with a critical extension it cannot process. The message gives the extension's OID.",
		),
		UserSees: text(
			"Clients refuse the certificate: Outlook reports a certificate problem or cannot connect, and browsers show an invalid-certificate page.",
		),
		Why: text(
			"A custom CA template that marks a private or vendor extension critical, or an appliance that makes such certificates.",
		),
		Fix: text(
			"Change the template so the extension is not critical (or drop it), reissue the certificate, import it with Import-ExchangeCertificate and enable it:",
			"  Enable-ExchangeCertificate -Thumbprint THUMBPRINT -Services IIS",
		),
		KB: []string{"RFC 5280"},
	},
}
