// Package inventory holds the plain description of an Exchange organisation
// that exdiag checks: its servers, the URLs they publish and where each URL
// was read from. It has no dependencies outside the standard library, so the
// readers (LDAP, LDIF, --url flags, the lab) and the judges (diag, remedy)
// meet here without importing each other.
package inventory

// Org is everything exdiag knows about one Exchange organisation.
type Org struct {
	// Name is the organisation container's name ("Contoso"); empty when the
	// URLs came from flags.
	Name string
	// ConfigNC is the configuration naming context the data was read from.
	ConfigNC string
	// Servers are the Exchange servers, sorted by name.
	Servers []Server
	// Endpoints are every URL or host name to check, in discovery order.
	Endpoints []Endpoint
	// Providers are the Outlook providers (EXCH, EXPR, WEB).
	Providers []OutlookProvider
	// AcceptedDomains are the organisation's accepted SMTP domains.
	AcceptedDomains []AcceptedDomain
	// Notes are facts the reader could not turn into endpoints but the admin
	// must hear about (objects that could not be read, values that are unsafe).
	Notes []Note
	// PopImap are the POP3 and IMAP4 settings objects (Get-PopSettings,
	// Get-ImapSettings), one per server and protocol.
	PopImap []PopImapSettings
	// ReceiveConnectors are the SMTP receive connectors (Get-ReceiveConnector).
	ReceiveConnectors []ReceiveConnector
	// SendConnectors are the SMTP send connectors (Get-SendConnector).
	SendConnectors []SendConnector
	// Sites are the AD sites of the forest (CN=Sites of the configuration
	// naming context), sorted; empty when the data did not include them (an
	// ldifde export of the Exchange subtree only).
	Sites []string
	// FederationTrusts are the federation trusts (Get-FederationTrust), and
	// AuthConfig the OAuth configuration (Get-AuthConfig), nil when absent.
	FederationTrusts []FederationTrust
	AuthConfig       *AuthConfig
	// CRLs are the certificate revocation lists an enterprise CA publishes
	// in the directory (cRLDistributionPoint objects under CN=CDP,CN=Public
	// Key Services), by lower-case DN: what ldap:/// distribution points
	// name.
	CRLs map[string][]byte
}

// Server is one Exchange server object (msExchExchangeServer).
type Server struct {
	Name    string // NetBIOS-style name, used in every -Identity ("EX01")
	FQDN    string // from networkAddress ncacn_ip_tcp:
	DN      string
	Site    string // AD site name
	Version Version
	Roles   Roles
	// InternalTransportCert is the DER certificate published in
	// msExchServerInternalTLSCert: the server's internal transport (default
	// SMTP) certificate, or on an Edge server its subscription certificate.
	// Nil when not published or not readable.
	InternalTransportCert []byte
}

// Endpoint is one URL or host name that Exchange publishes.
type Endpoint struct {
	// URL is the value as stored or given, unmodified; for values that are
	// not URLs in the directory (a bare Outlook Anywhere host, POP3/IMAP4
	// connection settings, SMTP connector FQDN and bindings) it is built from
	// them, and Source.Value holds what was stored.
	URL    string
	Source Source
	// SiteScope lists the AD sites an Autodiscover SCP is scoped to (its
	// "Site=" keywords); empty for unscoped SCPs and other endpoints.
	SiteScope []string
	// Peer says who connects to the endpoint, which decides what they check.
	Peer Peer
}

// Peer is who connects to an endpoint: clients check everything, mail
// servers use opportunistic TLS, and Exchange's own hops trust the
// self-signed certificate Exchange made.
type Peer string

// Peers. The values are stable: they appear in JSON output.
const (
	// PeerClients: Outlook, browsers, phones and SMTP submission clients.
	PeerClients Peer = ""
	// PeerMailServers: other mail servers over SMTP (opportunistic TLS;
	// only partners that enforce TLS, and hybrid, check the certificate).
	PeerMailServers Peer = "mail-servers"
	// PeerExchange: only Exchange servers of the organisation (the back-end
	// Transport service, the front end's outbound proxy), which use the
	// server's self-signed internal transport certificate by design.
	PeerExchange Peer = "exchange"
)

// Origin says how an endpoint became known.
type Origin string

// Origins.
const (
	OriginFlag Origin = "flag" // --url
	OriginLDAP Origin = "ldap"
	OriginLDIF Origin = "ldif"
)

// Scope is Internal or External, as in the InternalUrl / ExternalUrl pair.
type Scope string

// Scopes.
const (
	ScopeNone     Scope = ""
	ScopeInternal Scope = "internal"
	ScopeExternal Scope = "external"
)

// Service names the Exchange component an endpoint belongs to.
type Service string

// Services. The values are stable: they appear in JSON output.
const (
	ServiceURL             Service = "url" // given on the command line
	ServiceAutodiscoverSCP Service = "autodiscover-scp"
	ServiceEWS             Service = "ews"
	ServiceOAB             Service = "oab"
	ServiceUM              Service = "um"
	ServiceOWA             Service = "owa"
	ServiceECP             Service = "ecp"
	ServiceActiveSync      Service = "activesync"
	ServiceMAPI            Service = "mapi"
	ServiceAutodiscover    Service = "autodiscover"
	ServiceOutlookAnywhere Service = "outlook-anywhere"
	ServicePowerShell      Service = "powershell"
	ServicePOP3            Service = "pop3"
	ServiceIMAP4           Service = "imap4"
	ServiceSMTP            Service = "smtp"
	ServiceAutodiscoverDNS Service = "autodiscover-dns" // autodiscover.DOMAIN of an accepted domain
	ServiceOutlookProvider Service = "outlook-provider" // Set-OutlookProvider (EXCH, EXPR, WEB)

	// Certificates and names the directory holds (directory.go).
	ServiceInternalTransport Service = "internal-transport-certificate" // msExchServerInternalTLSCert
	ServiceSendConnector     Service = "send-connector"                 // Set-SendConnector
	ServiceFederationTrust   Service = "federation-trust"               // Set-FederationTrust
	ServiceAuthConfig        Service = "auth-config"                    // Set-AuthConfig
	// ServiceAutodiscoverOutside is an Autodiscover URL that clients
	// outside the domain try for an accepted domain, which no directory
	// object publishes: https://DOMAIN/…, https://autodiscover.DOMAIN/…
	// and the SRV record's target.
	ServiceAutodiscoverOutside Service = "autodiscover-outside"
	// ServiceADSite is an AD site's view of the Autodiscover SCPs.
	ServiceADSite Service = "ad-site"
)

// Source says where an endpoint's value lives, so a finding can name the
// object to change and remedy can build the command that changes it.
type Source struct {
	Origin  Origin
	Service Service
	Scope   Scope
	// Server is the owning server's name; empty for organisation-wide values.
	Server string
	// Object is the object's name as Exchange cmdlets show it
	// ("EWS (Default Web Site)", "Default EX01", "EXPR").
	Object    string
	DN        string
	Attribute string
	// Value is the stored attribute value when URL was built from it
	// ("mail.contoso.com:995:SSL"); empty when URL is the stored value.
	Value string
}

// OutlookProvider is one msExchAutoDiscoverConfig object (EXCH, EXPR, WEB).
type OutlookProvider struct {
	Name              string
	DN                string
	CertPrincipalName string // msExchAutoDiscoverCertPrincipalName, e.g. "msstd:mail.contoso.com"
	Server            string // msExchAutoDiscoverServer
}

// AcceptedDomain is one msExchAcceptedDomain object.
type AcceptedDomain struct {
	Name    string // the SMTP domain ("contoso.com", may be "*.contoso.com")
	Default bool
	DN      string
	// Type is Authoritative, InternalRelay or ExternalRelay.
	Type DomainType
}

// Note is a reader's remark that is not an endpoint.
type Note struct {
	Code    string // a finding code of internal/catalog (a Note entry), e.g. "ldap-unreadable"
	Message string
	Source  Source
}

// PopImapSettings is one protocolCfgPOPServer or protocolCfgIMAPServer object
// (CN=1,CN=POP3|IMAP4,CN=Protocols,CN=<server>,…).
type PopImapSettings struct {
	Server   string
	Protocol Service // ServicePOP3 or ServiceIMAP4
	DN       string
	// X509CertificateName is the host name whose certificate the service
	// uses (msExchPopImapX509CertificateName).
	X509CertificateName string
	// ExternalConnectionSettings and InternalConnectionSettings are
	// "host:port:SSL|TLS" values (Exchange 2010 and later).
	ExternalConnectionSettings []string
	InternalConnectionSettings []string
	// SSLBindings (implicit TLS) and UnencryptedOrTLSBindings (STARTTLS) are
	// "ip:port" listeners.
	SSLBindings              []string
	UnencryptedOrTLSBindings []string
}

// ReceiveConnector is one msExchSmtpReceiveConnector object.
type ReceiveConnector struct {
	Server   string
	Name     string // "Default EX01"
	DN       string
	FQDN     string   // msExchSMTPReceiveConnectorFQDN: the name in the banner and EHLO
	Bindings []string // "ip:port"
	// TLSCertificateName is "<I>issuer<S>subject" when set (msExchSmtpTLSCertificate).
	TLSCertificateName string
	Enabled            bool
	// Role is the transport service the connector belongs to
	// (msExchSmtpReceiveRole): RoleHubTransport (the back end from Exchange
	// 2013 on) or RoleFrontendTransport; 0 when the data does not say.
	Role Roles
}
