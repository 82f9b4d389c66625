package catalog

// The finding codes. Each has an entry (entries_*.go); tests hold every
// code to one, to a rule that emits it, and to README's table.
const (
	NameMismatch          Code = "name-mismatch"
	CNOnlyMatch           Code = "cn-only-match"
	CertExpired           Code = "cert-expired"
	CertNotYetValid       Code = "cert-not-yet-valid"
	CertExpiring          Code = "cert-expiring"
	CertSelfSigned        Code = "cert-self-signed"
	CertUntrusted         Code = "cert-untrusted"
	CertUnexpected        Code = "cert-unexpected"
	DNSMissing            Code = "dns-missing"
	Unreachable           Code = "unreachable"
	TLSError              Code = "tls-error"
	TLSLegacy             Code = "tls-legacy"
	StartTLSMissing       Code = "starttls-missing"
	URLInvalid            Code = "url-invalid"
	URLNotHTTPS           Code = "url-not-https"
	PrincipalNameMismatch Code = "principal-name-mismatch"
	PrincipalNameSANOnly  Code = "principal-name-san-only"
	SelfSignedExternal    Code = "self-signed-external"
	ServersDisagree       Code = "servers-disagree"
	AutodiscoverDNS       Code = "autodiscover-dns-missing"
	MailServiceDisabled   Code = "mail-service-disabled"
	DNSError              Code = "dns-error"
	DNSBadAddress         Code = "dns-bad-address"

	// Codes of what clients check beyond the name and the date
	// (rules_clients.go, rules_revocation.go).
	CertRevoked           Code = "cert-revoked"
	RevocationUnavailable Code = "revocation-unavailable"
	ChainIncomplete       Code = "chain-incomplete"
	CertValidityTooLong   Code = "cert-validity-too-long"
	CertEKUMissing        Code = "cert-eku-missing"

	// Codes of weak or malformed certificates (rules_crypto.go).
	CertWeakKey                  Code = "cert-weak-key"
	CertWeakSignature            Code = "cert-weak-signature"
	CertNegativeSerial           Code = "cert-negative-serial"
	CertUnknownCriticalExtension Code = "cert-unknown-critical-extension"

	// Codes of the path clients build (rules_path.go, nameconstraints.go, rules_profile.go).
	ChainExtraCert Code = "chain-extra-cert"
	CertProfile    Code = "cert-profile"

	// Codes of the certificates and names Exchange itself refers to
	// (rules_directory.go, rules_connectors.go, rules_sites.go).
	ConnectorCertMismatch     Code = "connector-cert-mismatch"
	InternalTransportMismatch Code = "internal-transport-cert-mismatch"
	AutodiscoverSiteScope     Code = "autodiscover-site-scope"
	AuthCertUnknown           Code = "auth-cert-unknown"

	// Codes of the directory reader's notes (inventory.Note).
	LDAPUnreadable        Code = "ldap-unreadable"
	DirectoryValueUnsafe  Code = "directory-value-unsafe"
	ServerVersionUnknown  Code = "server-version-unknown"
	ServerFQDNUnknown     Code = "server-fqdn-unknown"
	SCPPointer            Code = "autodiscover-scp-pointer"
	SCPEmpty              Code = "autodiscover-scp-empty"
	MultipleOrganizations Code = "multiple-organizations"
)
