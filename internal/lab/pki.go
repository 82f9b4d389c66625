// Package lab is the embedded organisation: a certificate authority and the
// LDAP, DNS and TLS servers that exdiag checks, all on loopback. Tests, the
// demo and the benchmark run exdiag's real code against it over sockets.
package lab

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// CA is a certificate authority of the lab: a root, or an intermediate with
// its Parent.
type CA struct {
	Cert   *x509.Certificate
	Key    crypto.Signer
	Parent *CA
}

// NewRootCA creates a self-signed root valid from notBefore to notAfter.
func NewRootCA(cn string, notBefore, notAfter time.Time) (*CA, error) {
	key, err := newKey(0)
	if err != nil {
		return nil, err
	}
	return NewRootCAWithKey(cn, key, nil, notBefore, notAfter)
}

// NewRootCAWithKey creates a root from a given key and serial (nil:
// random). With a fixed key and serial the certificate is the same on every
// run: RSA PKCS #1 v1.5 signatures are deterministic.
func NewRootCAWithKey(cn string, key crypto.Signer, serial *big.Int, notBefore, notAfter time.Time) (*CA, error) {
	tmpl := caTemplate(cn, notBefore, notAfter)
	if serial != nil {
		tmpl.SerialNumber = serial
	}
	cert, err := sign(tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

// NewIntermediate creates a CA signed by ca.
func (ca *CA) NewIntermediate(cn string, notBefore, notAfter time.Time) (*CA, error) {
	key, err := newKey(0)
	if err != nil {
		return nil, err
	}
	return ca.NewIntermediateWithKey(cn, key, nil, notBefore, notAfter)
}

// NewIntermediateWithKey creates a CA signed by ca from a given key and
// serial (nil: random).
func (ca *CA) NewIntermediateWithKey(cn string, key crypto.Signer, serial *big.Int, notBefore, notAfter time.Time) (*CA, error) {
	tmpl := caTemplate(cn, notBefore, notAfter)
	if serial != nil {
		tmpl.SerialNumber = serial
	}
	cert, err := sign(tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key, Parent: ca}, nil
}

// CertPEM is the CA certificate in PEM form, as --ca-file reads it.
func (ca *CA) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw})
}

// LeafSpec describes a server certificate.
type LeafSpec struct {
	CommonName string
	// Organization is the subject's O= (none by default).
	Organization []string
	DNSNames     []string
	IPs          []net.IP
	NotBefore    time.Time
	NotAfter     time.Time
	// RSABits selects an RSA key of that size; 0 means ECDSA P-256.
	RSABits int
	// ExtKeyUsage defaults to serverAuth when nil.
	ExtKeyUsage []x509.ExtKeyUsage
	// OmitSAN leaves out the subjectAltName extension: the name is only in
	// the CN, as in certificates made for Outlook 2007-era clients.
	OmitSAN bool
	// Serial overrides the random serial number (may be negative).
	Serial *big.Int
	// SignatureAlgorithm overrides the default.
	SignatureAlgorithm x509.SignatureAlgorithm
	// Key is the leaf's key; nil generates one (RSABits, else ECDSA P-256).
	Key crypto.Signer
	// CRLURLs, OCSPURLs and IssuerURLs are the CRL distribution points,
	// OCSP responders and caIssuers (Authority Information Access) the
	// certificate names.
	CRLURLs, OCSPURLs, IssuerURLs []string
	// NoEKU leaves out the extended key usage extension, as old templates
	// do: Windows and Go take it as "any purpose", Apple refuses it.
	NoEKU bool
}

// CASpec describes a CA certificate made with a given key.
type CASpec struct {
	CommonName          string
	Key                 crypto.Signer
	Serial              *big.Int
	NotBefore, NotAfter time.Time
	// CRLURLs and IssuerURLs are where the CA's own revocation and its
	// issuer's certificate are published.
	CRLURLs, IssuerURLs []string
}

// NewIntermediateFromSpec creates a CA signed by ca as spec says.
func (ca *CA) NewIntermediateFromSpec(spec CASpec) (*CA, error) {
	tmpl := caTemplate(spec.CommonName, spec.NotBefore, spec.NotAfter)
	if spec.Serial != nil {
		tmpl.SerialNumber = spec.Serial
	}
	tmpl.CRLDistributionPoints, tmpl.IssuingCertificateURL = spec.CRLURLs, spec.IssuerURLs
	cert, err := sign(tmpl, ca.Cert, spec.Key.Public(), ca.Key)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: spec.Key, Parent: ca}, nil
}

// Issue signs a leaf with ca. The returned chain holds the leaf followed by
// every intermediate up to, not including, the root: what a correctly
// configured server sends.
func (ca *CA) Issue(spec LeafSpec) (tls.Certificate, error) {
	key, err := specKey(spec)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := sign(leafTemplate(spec), ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return tls.Certificate{}, err
	}
	tc := tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key, Leaf: leaf}
	for c := ca; c.Parent != nil; c = c.Parent {
		tc.Certificate = append(tc.Certificate, c.Cert.Raw)
	}
	return tc, nil
}

// SelfSigned makes a certificate signed by its own key.
func SelfSigned(spec LeafSpec) (tls.Certificate, error) {
	key, err := specKey(spec)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := leafTemplate(spec)
	tmpl.Issuer = tmpl.Subject
	leaf, err := sign(tmpl, tmpl, key.Public(), key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

// ExchangeSelfSigned makes the certificate Exchange setup creates on each
// server: CN = the NetBIOS name, SANs = the NetBIOS name and the FQDN,
// valid for the given number of years (1 for Exchange 2007 before SP2, 5 after).
func ExchangeSelfSigned(netbios, fqdn string, notBefore time.Time, years int) (tls.Certificate, error) {
	return SelfSigned(LeafSpec{
		CommonName: netbios,
		DNSNames:   []string{netbios, fqdn},
		NotBefore:  notBefore,
		NotAfter:   notBefore.AddDate(years, 0, 0),
		RSABits:    2048,
	})
}

// LeafOnly drops the intermediates from a chain: a server that forgot to
// install its intermediate certificate.
func LeafOnly(c tls.Certificate) tls.Certificate {
	c.Certificate = c.Certificate[:1]
	return c
}

func specKey(spec LeafSpec) (crypto.Signer, error) {
	if spec.Key != nil {
		return spec.Key, nil
	}
	return newKey(spec.RSABits)
}

func newKey(rsaBits int) (crypto.Signer, error) {
	if rsaBits > 0 {
		return rsa.GenerateKey(rand.Reader, rsaBits)
	}
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return n.Add(n, big.NewInt(1))
}

func caTemplate(cn string, notBefore, notAfter time.Time) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"exdiag lab"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
}

func leafTemplate(spec LeafSpec) *x509.Certificate {
	eku := spec.ExtKeyUsage
	if eku == nil && !spec.NoEKU {
		eku = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	serial := spec.Serial
	if serial == nil {
		serial = randomSerial()
	}
	t := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: spec.CommonName, Organization: spec.Organization},
		NotBefore:             spec.NotBefore,
		NotAfter:              spec.NotAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           eku,
		BasicConstraintsValid: true,
		SignatureAlgorithm:    spec.SignatureAlgorithm,
		CRLDistributionPoints: spec.CRLURLs,
		OCSPServer:            spec.OCSPURLs,
		IssuingCertificateURL: spec.IssuerURLs,
	}
	if !spec.OmitSAN {
		t.DNSNames = spec.DNSNames
		t.IPAddresses = spec.IPs
	}
	return t
}

func sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		return nil, fmt.Errorf("lab: sign %q: %w", tmpl.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
}
