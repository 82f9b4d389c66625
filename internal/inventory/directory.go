package inventory

import "strings"

// DomainType is an accepted domain's type, bits 0–1 of
// msExchAcceptedDomainFlags (AcceptedDomainType in Exchange: the enum order
// Authoritative, ExternalRelay, InternalRelay).
type DomainType int

// Accepted domain types.
const (
	Authoritative DomainType = 0
	ExternalRelay DomainType = 1
	InternalRelay DomainType = 2
)

// String is the type as Get-AcceptedDomain shows it.
func (t DomainType) String() string {
	switch t {
	case ExternalRelay:
		return "ExternalRelay"
	case InternalRelay:
		return "InternalRelay"
	}
	return "Authoritative"
}

// HybridRoutingDomain reports the domain a hybrid deployment routes mail to
// Exchange Online through (TENANT.mail.onmicrosoft.com): the Hybrid
// Configuration Wizard adds it as an accepted domain, and no client looks
// up Autodiscover for it on premises.
func (d AcceptedDomain) HybridRoutingDomain() bool {
	return strings.HasSuffix(strings.ToLower(strings.TrimSuffix(d.Name, ".")), ".mail.onmicrosoft.com")
}

// ClientDomain reports an accepted domain users have addresses in, whose
// Autodiscover clients look up: authoritative, not a wildcard, not the
// hybrid routing domain. Relay domains belong to other mail systems.
func (d AcceptedDomain) ClientDomain() bool {
	return d.Type == Authoritative && d.Name != "" && !strings.Contains(d.Name, "*") && !d.HybridRoutingDomain()
}

// SendConnector is one msExchRoutingSMTPConnector object (Get-SendConnector).
type SendConnector struct {
	Name string // "Outbound to Office 365"
	DN   string
	// FQDN is the name the connector announces in HELO/EHLO
	// (msExchSMTPSendConnectorFQDN); empty means the server's FQDN.
	FQDN string
	// TLSCertificateName is "<I>issuer<S>subject" when set (msExchSmtpTLSCertificate).
	TLSCertificateName string
	// TLSDomain is the domain the peer's certificate must name
	// (msExchSmtpSendTlsDomain), e.g. mail.protection.outlook.com.
	TLSDomain string
	// SmartHosts are the hosts mail is relayed through (msExchSmtpSmartHost).
	SmartHosts []string
	// SourceServers are the names of the servers that send through it
	// (msExchSourceBridgeheadServersDN).
	SourceServers []string
	Enabled       bool
}

// FederationTrust is one msExchFedTrust object (Get-FederationTrust): the
// organisation's certificates for the Microsoft Federation Gateway, used by
// free/busy and calendar sharing with other organisations and Exchange
// Online.
type FederationTrust struct {
	Name string // "Microsoft Federation Gateway"
	DN   string
	// Certificates are the DER certificates stored in the trust, by role.
	Certificates []StoredCert
}

// StoredCert is a certificate kept in a directory attribute.
type StoredCert struct {
	// Role is what the certificate is for: "current", "next", "previous".
	Role      string
	Attribute string
	DER       []byte
}

// AuthConfig is the msExchAuthAuthConfig object (Get-AuthConfig): the
// certificate Exchange signs OAuth tokens with (server-to-server, hybrid
// free/busy, and from Exchange 2013 OWA and ECP sign-in in some setups). The
// directory holds only thumbprints.
type AuthConfig struct {
	DN string
	// Current, Previous and Next are thumbprints (msExchAuthCertificateThumbprint
	// values "0:T", "1:T", "2:T"; a lone value without a prefix is Current).
	Current, Previous, Next string
}

// Title names a service for people, where its token alone would not say
// enough ("internal transport certificate (directory)"); "" for the others.
func (s Service) Title() string {
	switch s {
	case ServiceInternalTransport:
		return "internal transport certificate (directory)"
	case ServiceAutodiscoverOutside:
		return "Autodiscover, clients outside the domain"
	case ServiceSendConnector:
		return "send connector"
	case ServiceFederationTrust:
		return "federation trust (directory)"
	case ServiceAuthConfig:
		return "Auth Configuration (directory)"
	case ServiceADSite:
		return "AD site"
	}
	return ""
}
