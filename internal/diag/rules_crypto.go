package diag

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/probe"
)

// minRSABits is the smallest RSA key current clients and CAs accept
// (NIST SP 800-131A, CA/Browser Forum Baseline Requirements).
const minRSABits = 2048

// crypto judges the keys, signatures, serial numbers and extensions of the
// path clients validate (clientPath), leaf first. A self-issued certificate
// is a root or stands alone: clients trust it as it is and check neither its
// signature nor (RFC 5280 §6.1) its extensions, so only its key and serial
// are judged.
func (j *judge) crypto(eo probe.EndpointObservation, f Finding, hs *probe.Handshake, chain []*x509.Certificate) {
	for i, c := range chain {
		g := f // each j.add stores a copy
		g.Thumbprint = Thumbprint(c)
		which := capitalize(pathRole(hs, c, i, f.Address))
		if bits, ok := rsaBits(c); ok && bits < minRSABits {
			g.Code, g.Severity = catalog.CertWeakKey, Error
			g.Message = fmt.Sprintf("%s has a %d-bit RSA key: keys under %d bits can be broken. ActiveSync on "+
				"iPhone and iPad, Outlook for Mac (Apple requires 2048 bits since iOS 13 and macOS 10.15) and browsers "+
				"reject it. Issue a new certificate with a 2048-bit (or larger) key.", which, bits, minRSABits)
			j.add(g, g.Thumbprint, eo)
		}
		if c.SerialNumber != nil && c.SerialNumber.Sign() < 0 {
			g.Code, g.Severity = catalog.CertNegativeSerial, Warning
			g.Message = fmt.Sprintf("%s has a negative serial number (%s), which RFC 5280 forbids: "+
				"Go-based clients and some appliances refuse the certificate. Reissue it from a CA that makes positive serial numbers.",
				which, strings.ToUpper(c.SerialNumber.Text(16)))
			j.add(g, g.Thumbprint, eo)
		}
		if selfIssued(c) {
			continue
		}
		if sev, name, weak := weakSignature(c.SignatureAlgorithm); weak {
			g.Code, g.Severity = catalog.CertWeakSignature, sev
			g.Message = fmt.Sprintf("%s is signed with %s, which clients no longer accept: ActiveSync on "+
				"iPhone and iPad, Outlook for Mac (Apple since iOS 13 and macOS 10.15) and browsers reject it as "+
				"untrusted or insecure. Reissue it from a CA that signs with SHA-256.", which, name)
			j.add(g, g.Thumbprint, eo)
		}
		if len(c.UnhandledCriticalExtensions) > 0 {
			g.Code, g.Severity = catalog.CertUnknownCriticalExtension, Error
			g.Message = fmt.Sprintf("%s has a critical extension clients do not know (%s): RFC 5280 requires "+
				"them to reject the certificate, so Outlook and browsers refuse it. Reissue it without that extension, "+
				"or with it marked non-critical.", which, oidList(c))
			j.add(g, g.Thumbprint, eo)
		}
	}
}

func rsaBits(c *x509.Certificate) (int, bool) {
	k, ok := c.PublicKey.(*rsa.PublicKey)
	if !ok || k.N == nil {
		return 0, false
	}
	return k.N.BitLen(), true
}

// weakSignature grades a signature algorithm: MD2 and MD5 are broken
// (collisions forged in practice, RFC 6151), SHA-1 is refused by Apple's
// platforms (Apple support 103769) and browsers (SHAttered). All are errors:
// the phones and Macs of the organisation cannot connect.
func weakSignature(a x509.SignatureAlgorithm) (Severity, string, bool) {
	switch a {
	case x509.MD2WithRSA:
		return Error, "MD2", true
	case x509.MD5WithRSA:
		return Error, "MD5", true
	case x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1:
		return Error, "SHA-1", true
	}
	return Info, "", false
}

// selfIssued reports whether c names itself as issuer. Unlike SelfSigned
// it does not check the signature, which crypto/x509 refuses to do for
// MD5 and SHA-1: the certificates this rule is about.
func selfIssued(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) &&
		(len(c.AuthorityKeyId) == 0 || bytes.Equal(c.AuthorityKeyId, c.SubjectKeyId))
}

func oidList(c *x509.Certificate) string {
	s := make([]string, len(c.UnhandledCriticalExtensions))
	for i, oid := range c.UnhandledCriticalExtensions {
		s[i] = oid.String()
	}
	return strings.Join(s, ", ")
}
