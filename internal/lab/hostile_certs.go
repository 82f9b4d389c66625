package lab

import (
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"strings"
)

// Certificates of the hostile endpoints. crypto/x509 refuses to make some
// of them (MD5 signatures, negative serial numbers), so those are built
// from an ordinary certificate whose TBSCertificate is edited and signed
// again by hand.

var (
	oidMD5WithRSA    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 4}
	oidSHA1WithRSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	oidSHA256WithRSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	// Extensions no client knows, under id-TEST (RFC 7229), the arc for
	// test certificates.
	oidHostileCritical = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 13, 42}
	oidHostilePadding  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 13, 43}
)

// Sizes of the oversized hostile certificates.
const (
	hostileSANs          = 5000
	hostileChainBytes    = 1 << 20 // the big chain is larger than this
	hostilePaddingPerInt = 60 << 10
)

// tbsCertificate is RFC 5280's TBSCertificate, with the parts exdiag
// edits decoded and the rest kept as they were.
type tbsCertificate struct {
	Raw                asn1.RawContent
	Version            int `asn1:"optional,explicit,default:0,tag:0"`
	SerialNumber       *big.Int
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Issuer             asn1.RawValue
	Validity           asn1.RawValue
	Subject            asn1.RawValue
	PublicKey          asn1.RawValue
	UniqueID           asn1.BitString   `asn1:"optional,tag:1"`
	SubjectUniqueID    asn1.BitString   `asn1:"optional,tag:2"`
	Extensions         []pkix.Extension `asn1:"omitempty,optional,explicit,tag:3"`
}

type rawCertificate struct {
	TBS                asn1.RawValue
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          asn1.BitString
}

// resign edits the TBSCertificate of der and signs it again with the RSA
// key of its issuer, under the signature algorithm oid with hash h.
func resign(der []byte, issuer crypto.Signer, oid asn1.ObjectIdentifier, h crypto.Hash, edit func(*tbsCertificate)) ([]byte, error) {
	var c rawCertificate
	if _, err := asn1.Unmarshal(der, &c); err != nil {
		return nil, fmt.Errorf("lab: resign: %w", err)
	}
	var tbs tbsCertificate
	if _, err := asn1.Unmarshal(c.TBS.FullBytes, &tbs); err != nil {
		return nil, fmt.Errorf("lab: resign: %w", err)
	}
	alg := pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.NullRawValue}
	tbs.Raw, tbs.SignatureAlgorithm = nil, alg
	if edit != nil {
		edit(&tbs)
	}
	tbsDER, err := asn1.Marshal(tbs)
	if err != nil {
		return nil, fmt.Errorf("lab: resign: %w", err)
	}
	var digest []byte
	switch h {
	case crypto.MD5:
		sum := md5.Sum(tbsDER)
		digest = sum[:]
	case crypto.SHA1:
		sum := sha1.Sum(tbsDER)
		digest = sum[:]
	case crypto.SHA256:
		sum := sha256.Sum256(tbsDER)
		digest = sum[:]
	default:
		return nil, fmt.Errorf("lab: resign: unsupported hash %v", h)
	}
	sig, err := issuer.Sign(rand.Reader, digest, h)
	if err != nil {
		return nil, fmt.Errorf("lab: resign with %v: %w", h, err)
	}
	return asn1.Marshal(rawCertificate{
		TBS:                asn1.RawValue{FullBytes: tbsDER},
		SignatureAlgorithm: alg,
		Signature:          asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)},
	})
}

// hostileLeaf issues an ordinary leaf for host from the issuing CA, lets
// tweak change its template, and returns the template's DER.
func (p *PKI) hostileLeaf(host string, spec LeafSpec, tweak func(*x509.Certificate)) (der []byte, key crypto.Signer, err error) {
	spec.CommonName = host
	if spec.DNSNames == nil {
		spec.DNSNames = []string{host}
	}
	spec.NotBefore, spec.NotAfter = Clock.AddDate(-1, 0, 0), Clock.AddDate(1, 0, 0)
	if spec.Serial == nil {
		spec.Serial = serialFor("hostile " + host)
	}
	if spec.Key == nil && spec.RSABits == 0 {
		spec.Key = p.serverKey
	}
	if key, err = specKey(spec); err != nil {
		return nil, nil, err
	}
	tmpl := leafTemplate(spec)
	if tweak != nil {
		tweak(tmpl)
	}
	c, err := sign(tmpl, p.Issuing.Cert, key.Public(), p.Issuing.Key)
	if err != nil {
		return nil, nil, err
	}
	return c.Raw, key, nil
}

// served is what a server sends: leaf, then the issuing CA. Leaf stays nil:
// the server sends the bytes as they are and never parses them.
func (p *PKI) served(der []byte, key crypto.Signer) tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{der, p.Issuing.Cert.Raw}, PrivateKey: key}
}

// hostileCert makes the certificate of one hostile case.
func (p *PKI) hostileCert(kind, host string) (tls.Certificate, error) {
	var spec LeafSpec
	var tweak func(*x509.Certificate)
	var post func([]byte) ([]byte, error)
	switch kind {
	case "", "tls10":
	case "rsa1024":
		spec.Key = p.weakKey // embedded, so the thumbprint is the same on every run
	case "many-sans":
		for i := range hostileSANs {
			spec.DNSNames = append(spec.DNSNames, fmt.Sprintf("n%04d.many-sans.hostile.test", i))
		}
	case "critical-ext":
		tweak = func(t *x509.Certificate) {
			t.ExtraExtensions = append(t.ExtraExtensions, pkix.Extension{Id: oidHostileCritical, Critical: true, Value: asn1.NullBytes})
		}
	case "evil-names":
		// Escape sequences a hostile server could put in front of an
		// administrator: set the window title, turn text red, ring the bell.
		spec.DNSNames = []string{"\x1b[31mred.hostile.test", "bell\a.hostile.test"}
		tweak = func(t *x509.Certificate) { t.Subject.CommonName = "\x1b]0;pwned\a\x1b[2Jevil" }
	case "negative-serial":
		post = func(der []byte) ([]byte, error) {
			return resign(der, p.Issuing.Key, oidSHA256WithRSA, crypto.SHA256, func(t *tbsCertificate) {
				t.SerialNumber = new(big.Int).Neg(t.SerialNumber)
			})
		}
	case "sha1":
		post = func(der []byte) ([]byte, error) { return resign(der, p.Issuing.Key, oidSHA1WithRSA, crypto.SHA1, nil) }
	case "md5":
		post = func(der []byte) ([]byte, error) { return resign(der, p.Issuing.Key, oidMD5WithRSA, crypto.MD5, nil) }
	case "big-chain":
		return p.bigChain(host)
	case "wrong-key":
		der, key, err := p.hostileLeaf(host, spec, nil)
		if err != nil {
			return tls.Certificate{}, err
		}
		c := p.served(der, key)
		c.PrivateKey = p.wrongKey
		return c, nil
	default:
		return tls.Certificate{}, fmt.Errorf("lab: unknown hostile certificate %q", kind)
	}
	der, key, err := p.hostileLeaf(host, spec, tweak)
	if err != nil {
		return tls.Certificate{}, err
	}
	if post != nil {
		if der, err = post(der); err != nil {
			return tls.Certificate{}, err
		}
	}
	return p.served(der, key), nil
}

// bigChain is a leaf sent with more than 1 MB of intermediate
// certificates, each padded with a large non-critical extension.
func (p *PKI) bigChain(host string) (tls.Certificate, error) {
	der, key, err := p.hostileLeaf(host, LeafSpec{}, nil)
	if err != nil {
		return tls.Certificate{}, err
	}
	tc := p.served(der, key)
	padding, err := asn1.Marshal([]byte(strings.Repeat("exdiag hostile padding. ", hostilePaddingPerInt/24)))
	if err != nil {
		return tls.Certificate{}, err
	}
	total := len(der)
	for i := 0; total <= hostileChainBytes; i++ {
		tmpl := caTemplate(fmt.Sprintf("Hostile Padded CA %02d", i), Clock.AddDate(-1, 0, 0), Clock.AddDate(1, 0, 0))
		tmpl.SerialNumber = serialFor(fmt.Sprint("hostile padded ", i))
		tmpl.ExtraExtensions = []pkix.Extension{{Id: oidHostilePadding, Value: padding}}
		c, err := sign(tmpl, p.Issuing.Cert, p.serverKey.Public(), p.Issuing.Key)
		if err != nil {
			return tls.Certificate{}, err
		}
		tc.Certificate = append(tc.Certificate, c.Raw)
		total += len(c.Raw)
	}
	return tc, nil
}
