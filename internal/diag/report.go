package diag

import (
	"time"

	"github.com/exdiag/exdiag/internal/inventory"
)

// Report is the judged result of one run, as every renderer sees it.
type Report struct {
	// GeneratedAt is when the run happened (the real clock).
	GeneratedAt time.Time
	// AsOf is when certificate validity and expiry are judged: --as-of,
	// else the same instant as GeneratedAt.
	AsOf time.Time
	// Org is the organisation name, when the URLs came from the directory.
	Org string
	// Endpoints has one entry per URL checked, in input order.
	Endpoints []Endpoint
	// Certificates are the distinct leaf certificates seen, by thumbprint.
	Certificates []CertInfo
	// Findings are sorted: severity (highest first), host, code, address.
	Findings []Finding
	// Servers are what each server served for a name that several servers
	// publish, asked at the server's own address (probe.PlanServerProbes).
	Servers []ServerCert
	// DNSServers are the servers asked.
	DNSServers []string
	Summary    Summary
	// Sites are, for each AD site with Exchange servers, the Autodiscover
	// SCPs its domain-joined clients try, in Outlook's order.
	Sites []SiteView
	// DirectoryCertificates are the certificates the directory stores
	// (internal transport, federation), judged without a connection.
	DirectoryCertificates []StoredCertificate
}

// SiteView is what the Outlook clients of one AD site find in the
// directory: the SCPs in the order they try them.
type SiteView struct {
	Site string
	// Servers are the Exchange servers in the site.
	Servers []string
	// SCPs are every Autodiscover SCP, in the order the site's clients try
	// them: in-site first, then unscoped, then those of other sites.
	SCPs []SiteSCP
}

// SiteSCP is one Autodiscover SCP as a site's clients see it.
type SiteSCP struct {
	Server string
	URL    string
	// Rank is "in-site" (scoped to the site), "unscoped" (no Site=
	// keyword) or "other-site".
	Rank string
	// Scope are its Site= keywords; ServerSite is its server's own site.
	Scope      []string
	ServerSite string
	// Thumbprint is the leaf the URL served, "" when none was seen.
	Thumbprint string
}

// SCP ranks, in Outlook's order.
const (
	RankInSite    = "in-site"
	RankUnscoped  = "unscoped"
	RankOtherSite = "other-site"
)

// StoredCertificate is a certificate read from a directory attribute.
type StoredCertificate struct {
	// Role says what it is for: "internal transport", "federation (current)".
	Role   string
	Source inventory.Source
	Cert   CertInfo
}

// WithFixes returns the report with each finding's Fix set from fixes (one
// list per finding, in order, as remedy.Fixes returns them). The report it
// is called on is not changed.
func (r *Report) WithFixes(fixes [][]Fix) *Report {
	out := *r
	out.Findings = make([]Finding, len(r.Findings))
	for i, f := range r.Findings {
		if i < len(fixes) {
			f.Fix = fixes[i]
		}
		out.Findings[i] = f
	}
	return &out
}

// ServerCert is what one server served for a name when asked at its own
// address: a load-balanced name hides a server that serves another
// certificate, this shows it.
type ServerCert struct {
	Server string // EX22
	Host   string // the name sent as SNI
	Port   int
	// Service is what listens on the port as Enable-ExchangeCertificate
	// names it: IIS, SMTP, POP or IMAP.
	Service string
	// Address is the ip:port connected to; empty when the server had none.
	Address string
	// Leaf is the thumbprint of the certificate served; empty when none was.
	Leaf string
	// Error says why no certificate was obtained, if so.
	Error string
}

// Summary counts what was checked and found.
type Summary struct {
	URLs       int
	Hosts      int
	Handshakes int
	Errors     int
	Warnings   int
	Infos      int
}

// Endpoint is one URL as observed.
type Endpoint struct {
	URL    string
	Scheme string
	Host   string
	Port   int
	// Address is the ip:port connected to; empty when no connection was made.
	Address string
	// Source is where the URL was read, shared with the inventory: 65,000
	// copies would be 8 MB. Never nil in a Report that Judge made.
	Source *inventory.Source
	// TLSVersion is the negotiated protocol ("TLS 1.2"); empty without a handshake.
	TLSVersion string
	// Leaf is the thumbprint of the leaf served; empty without a certificate.
	Leaf string
	// Chain is the served chain, leaf first.
	Chain []CertInfo
	// Error describes why no certificate was obtained, if so.
	Error string
}

// SourceValue is the endpoint's source, or the zero Source when it has none.
func (e *Endpoint) SourceValue() inventory.Source {
	if e.Source == nil {
		return inventory.Source{}
	}
	return *e.Source
}

// CertInfo is the summary of a certificate that reports print.
type CertInfo struct {
	Subject    string
	CommonName string
	// SANs are the DNS and IP subject alternative names, in certificate order.
	SANs      []string
	Issuer    string
	NotBefore time.Time
	NotAfter  time.Time
	Serial    string
	// Thumbprint is the SHA-1 fingerprint in upper-case hex, as
	// Get-ExchangeCertificate prints it.
	Thumbprint string
	// SHA256 is the SHA-256 fingerprint in upper-case hex.
	SHA256     string
	SelfSigned bool
	// ExchangeDefault marks the self-signed certificate Exchange setup
	// makes on each server (CN = its NetBIOS name; SANs that and its FQDN).
	ExchangeDefault    bool
	KeyAlgorithm       string // "RSA-2048", "ECDSA-P256"
	SignatureAlgorithm string // "SHA256-RSA"
	// TLSCertificateName is how a connector's TlsCertificateName names the
	// certificate: "<I>issuer<S>subject", as Windows writes them.
	TLSCertificateName string
	// Revocation is what each CRL distribution point and OCSP responder
	// the certificate names said of it; empty when it names none, or when
	// revocation was not checked.
	Revocation []RevocationCheck
}

// RevocationCheck is one revocation source of a certificate and its answer.
type RevocationCheck struct {
	Kind   string // "crl" or "ocsp"
	URL    string
	State  string // good, revoked, unavailable, stale, invalid, unknown, not-read
	Detail string
	// RevokedAt is set when State is revoked.
	RevokedAt time.Time
	// Internal marks a source only clients inside the network reach.
	Internal bool
}
