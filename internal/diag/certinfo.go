package diag

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/ad"
)

// Thumbprint is the SHA-1 fingerprint of a certificate in upper-case hex,
// as Get-ExchangeCertificate and the Windows certificate UI print it.
func Thumbprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// NormalizeThumbprint turns a pasted thumbprint ("3b fb d8 …", "3B:FB:…")
// into the form Thumbprint returns. It returns "" when the result is not
// 40 hex digits.
func NormalizeThumbprint(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == ':' || r == '\u200e' || r == '\u200f' || r == '\t':
		case (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F'):
			b.WriteRune(r)
		default:
			return ""
		}
	}
	if b.Len() != 40 {
		return ""
	}
	return strings.ToUpper(b.String())
}

// SelfSigned reports whether cert is issued by itself: same subject and
// issuer, and its signature verifies with its own key. A leaf need not be a
// CA for that, so the signature is checked directly.
func SelfSigned(cert *x509.Certificate) bool {
	if string(cert.RawSubject) != string(cert.RawIssuer) {
		return false
	}
	return cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature) == nil
}

// NewCertInfo summarises a certificate for reports.
func NewCertInfo(cert *x509.Certificate) CertInfo {
	sum := sha256.Sum256(cert.Raw)
	sans := make([]string, 0, len(cert.DNSNames)+len(cert.IPAddresses))
	sans = append(sans, cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		sans = append(sans, ip.String())
	}
	_, _, isDefault := exchangeDefault(cert)
	serial := ""
	if cert.SerialNumber != nil {
		serial = strings.ToUpper(cert.SerialNumber.Text(16))
	}
	return CertInfo{
		Subject:            cert.Subject.String(),
		CommonName:         cert.Subject.CommonName,
		SANs:               sans,
		Issuer:             cert.Issuer.String(),
		NotBefore:          cert.NotBefore.UTC(),
		NotAfter:           cert.NotAfter.UTC(),
		Serial:             serial,
		Thumbprint:         Thumbprint(cert),
		SHA256:             strings.ToUpper(hex.EncodeToString(sum[:])),
		SelfSigned:         SelfSigned(cert),
		ExchangeDefault:    isDefault,
		KeyAlgorithm:       keyAlgorithm(cert),
		SignatureAlgorithm: cert.SignatureAlgorithm.String(),
		TLSCertificateName: ad.TLSCertificateName(cert),
	}
}

func keyAlgorithm(cert *x509.Certificate) string {
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA-" + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return cert.PublicKeyAlgorithm.String()
}

// exchangeDefault recognises the certificate Exchange setup creates on each
// server: self-signed, CN = the server's NetBIOS name (one label), and SANs
// holding that name and an FQDN that starts with it.
func exchangeDefault(cert *x509.Certificate) (netbios, fqdn string, ok bool) {
	cn := cert.Subject.CommonName
	if cn == "" || strings.Contains(cn, ".") || !SelfSigned(cert) {
		return "", "", false
	}
	var hasCN bool
	for _, n := range cert.DNSNames {
		switch {
		case strings.EqualFold(n, cn):
			hasCN = true
		case strings.HasPrefix(strings.ToLower(n), strings.ToLower(cn)+"."):
			fqdn = n
		}
	}
	return cn, fqdn, hasCN && fqdn != ""
}

// subjectName is how messages name a certificate: its CN, else its subject.
func subjectName(cert *x509.Certificate) string {
	if cert.Subject.CommonName != "" {
		return "CN=" + cert.Subject.CommonName
	}
	if s := cert.Subject.String(); s != "" {
		return s
	}
	return "(empty subject)"
}
