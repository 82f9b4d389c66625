package lab

import (
	"crypto"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"embed"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// Clock is the lab's fixed time: every certificate's validity is set
// relative to it, and `exdiag demo` judges as of it (check --as-of), so the
// demo prints the same report on every run.
var Clock = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

//go:embed keys/*.key
var keyFiles embed.FS

// PKI is the lab organisation's certificate authority: a root, an issuing
// CA below it, and one server key. Everything it makes is deterministic.
type PKI struct {
	Root, Issuing *CA
	// Issuing2 is a second issuing CA, which publishes its revocation at
	// the root's CRL (the clients scenario's revoked intermediate).
	Issuing2  *CA
	serverKey crypto.Signer
	// wrongKey is a key no lab certificate belongs to.
	wrongKey crypto.Signer
	// weakKey is an RSA-1024 key, for the hostile weak-key case.
	weakKey crypto.Signer
}

// Where the lab CA publishes, as an enterprise CA with an HTTP
// distribution point does (CertEnroll on a web server clients outside
// reach), and in the directory (ldap:///…,CN=CDP,CN=Public Key Services).
const (
	PKIHost     = "pki.contoso.com"
	RootCRL     = "http://" + PKIHost + "/crl/root.crl"
	IssuingCRL  = "http://" + PKIHost + "/crl/issuing.crl"
	IssuingAIA  = "http://" + PKIHost + "/aia/issuing.crt"
	Issuing2AIA = "http://" + PKIHost + "/aia/issuing2.crt"
	OCSPURL     = "http://" + PKIHost + "/ocsp"
)

// NewPKI builds the lab PKI from the embedded keys.
func NewPKI() (*PKI, error) {
	root, err := loadKey("root")
	if err != nil {
		return nil, err
	}
	issuing, err := loadKey("issuing")
	if err != nil {
		return nil, err
	}
	server, err := loadKey("server")
	if err != nil {
		return nil, err
	}
	rootCA, err := NewRootCAWithKey("Contoso Lab Root CA", root, serialFor("root"), Clock.AddDate(-5, 0, 0), Clock.AddDate(15, 0, 0))
	if err != nil {
		return nil, err
	}
	issuingCA, err := rootCA.NewIntermediateWithKey("Contoso Lab Issuing CA", issuing, serialFor("issuing"), Clock.AddDate(-3, 0, 0), Clock.AddDate(7, 0, 0))
	if err != nil {
		return nil, err
	}
	issuing2, err := loadKey("issuing2")
	if err != nil {
		return nil, err
	}
	issuing2CA, err := rootCA.NewIntermediateFromSpec(CASpec{CommonName: "Contoso Lab Issuing CA 2", Key: issuing2, Serial: serialFor("issuing2"),
		NotBefore: Clock.AddDate(-2, 0, 0), NotAfter: Clock.AddDate(8, 0, 0), CRLURLs: []string{RootCRL}})
	if err != nil {
		return nil, err
	}
	weak, err := loadKey("weak1024")
	if err != nil {
		return nil, err
	}
	return &PKI{Root: rootCA, Issuing: issuingCA, Issuing2: issuing2CA, serverKey: server, wrongKey: root, weakKey: weak}, nil
}

// Leaf issues a server certificate from the issuing CA, valid from
// notBefore to notAfter, with cn first among its DNS names.
func (p *PKI) Leaf(cn string, names []string, notBefore, notAfter time.Time) (tls.Certificate, error) {
	return p.Issuing.Issue(LeafSpec{
		CommonName: cn, DNSNames: names, NotBefore: notBefore, NotAfter: notAfter,
		Key: p.serverKey, Serial: serialFor(fmt.Sprint(cn, names, notBefore.Unix(), notAfter.Unix())),
	})
}

// DC issues the domain controller's LDAPS certificate.
func (p *PKI) DC(name string, ip net.IP) (tls.Certificate, error) {
	return p.Issuing.Issue(LeafSpec{
		CommonName: name, DNSNames: []string{name}, IPs: []net.IP{ip},
		NotBefore: Clock.AddDate(-1, 0, 0), NotAfter: Clock.AddDate(1, 0, 0),
		Key: p.serverKey, Serial: serialFor("dc " + name),
	})
}

// ExchangeDefault makes the self-signed certificate Exchange setup creates
// on a server (CN = NetBIOS name; SANs = NetBIOS name and FQDN).
func (p *PKI) ExchangeDefault(netbios, fqdn string, notBefore time.Time, years int) (tls.Certificate, error) {
	return SelfSigned(LeafSpec{
		CommonName: netbios, DNSNames: []string{netbios, fqdn},
		NotBefore: notBefore, NotAfter: notBefore.AddDate(years, 0, 0),
		Key: p.serverKey, Serial: serialFor("self " + fqdn),
	})
}

// RootPEM is the lab root, as --ca-file reads it.
func (p *PKI) RootPEM() []byte { return p.Root.CertPEM() }

func loadKey(name string) (crypto.Signer, error) {
	data, err := keyFiles.ReadFile("keys/" + name + ".key")
	if err != nil {
		return nil, err
	}
	b, _ := pem.Decode(data)
	if b == nil {
		return nil, fmt.Errorf("lab: keys/%s.key is not PEM", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("lab: keys/%s.key: %w", name, err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("lab: keys/%s.key is not a signing key", name)
	}
	return s, nil
}

// serialFor derives a stable positive serial number from a label.
func serialFor(label string) *big.Int {
	sum := sha256.Sum256([]byte(label))
	n := new(big.Int).SetBytes(sum[:15])
	return n.Add(n, big.NewInt(1))
}
