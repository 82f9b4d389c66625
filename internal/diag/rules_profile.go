package diag

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"slices"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/probe"
)

var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

// pathProfile reports what the platforms of an organisation's clients
// (Windows, Apple, Android) refuse on the path although crypto/x509, and
// so the trust check, accepts it. Each check names the clients and its
// source; the x509-limbo tier (internal/diag/limbo) keeps the list honest.
func (j *judge) pathProfile(eo probe.EndpointObservation, f Finding, hs *probe.Handshake, path []*x509.Certificate) {
	for i, c := range path {
		if i > 0 && i == len(path)-1 && selfIssued(c) {
			continue // a trust anchor is trusted as it is (RFC 5280 §6.1)
		}
		if emptyEKU(c) {
			g := f
			g.Code, g.Severity, g.Thumbprint = catalog.CertProfile, Error, Thumbprint(c)
			g.Message = fmt.Sprintf("%s has an extended key usage extension that lists no purpose at all. "+
				"Windows reads that as valid for no purpose (CertGetEnhancedKeyUsage: no valid uses), and Apple platforms "+
				"require Server Authentication in it (iOS 13, macOS 10.15), so Outlook on Windows, iPhone and iPad "+
				"ActiveSync and Outlook for Mac refuse it, although Go and OpenSSL-based clients read it as no restriction. "+
				"Reissue it with Server Authentication (1.3.6.1.5.5.7.3.1) in the extended key usage.",
				capitalize(pathRole(hs, c, i, f.Address)))
			j.add(g, g.Thumbprint+"empty-eku", eo)
		}
	}
}

// emptyEKU reports an extended key usage extension holding no purpose: RFC
// 5280 §4.2.1.12 requires at least one, and crypto/x509 takes an empty one
// for no extension at all (any purpose).
func emptyEKU(c *x509.Certificate) bool {
	return len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 &&
		slices.ContainsFunc(c.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidExtKeyUsage) })
}
