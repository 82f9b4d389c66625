package diag

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"net"
	"slices"
)

// NameMatch is how a certificate covers a host name.
type NameMatch int

// Name match outcomes.
const (
	NoMatch NameMatch = iota
	// MatchSAN: a DNS or IP subject alternative name covers the host (RFC 6125).
	MatchSAN
	// MatchCNOnly: only the subject CN covers the host, and the certificate
	// has no subjectAltName extension. Outlook 2007-era clients accept that;
	// current clients and browsers do not.
	MatchCNOnly
)

var oidSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}

// MatchHost checks host (lower case, A-label form, IPv6 without brackets)
// against cert the way RFC 6125 clients do, through crypto/x509: DNS SANs
// first; a wildcard covers exactly one whole left-most label; IP hosts match
// only IP SANs; the CN is never used. The CN fallback is checked separately.
func MatchHost(cert *x509.Certificate, host string) NameMatch {
	if cert.VerifyHostname(host) == nil {
		return MatchSAN
	}
	if net.ParseIP(host) != nil {
		return NoMatch
	}
	if hasSANExtension(cert) || cert.Subject.CommonName == "" {
		return NoMatch
	}
	shadow := &x509.Certificate{DNSNames: []string{cert.Subject.CommonName}}
	if shadow.VerifyHostname(host) == nil {
		return MatchCNOnly
	}
	return NoMatch
}

func hasSANExtension(cert *x509.Certificate) bool {
	return slices.ContainsFunc(cert.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidSubjectAltName) })
}

// CoveredNames lists the names a certificate covers, as a client sees them:
// the DNS and IP SANs, or the CN when there is no SAN extension.
func CoveredNames(cert *x509.Certificate) []string {
	var names []string
	names = append(names, cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && !hasSANExtension(cert) && cert.Subject.CommonName != "" {
		names = append(names, cert.Subject.CommonName+" (CN only)")
	}
	return names
}
