package limbo_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
)

// decodePEM returns the DER of a PEM certificate.
func decodePEM(s string) ([]byte, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("not PEM")
	}
	return b.Bytes, nil
}

// servedCert is what the case's server presents: the peer certificate and
// the untrusted intermediates, in the suite's order, with the peer's key,
// or a throwaway key of the same type when the case ships none that Go's
// TLS server can sign with. With a throwaway key the client receives the
// case's certificates and then fails the handshake (the server's signature
// does not match the certificate's key): the verdict is then taken from the
// certificates received, never from that failure.
func servedCert(c *limboCase) (cert tls.Certificate, throwaway bool, err error) {
	for _, s := range append([]string{c.PeerCertificate}, c.UntrustedIntermediates...) {
		der, err := decodePEM(s)
		if err != nil {
			return cert, false, err
		}
		cert.Certificate = append(cert.Certificate, der)
	}
	pub, err := spkiOf(cert.Certificate[0])
	if err != nil {
		return cert, false, fmt.Errorf("peer certificate: %w", err)
	}
	if c.PeerCertificateKey != nil {
		if key, err := parseKey(*c.PeerCertificateKey); err == nil && keyMatches(key, cert.Certificate[0]) {
			cert.PrivateKey = key
			return cert, false, nil
		}
	}
	cert.PrivateKey, err = throwawayKey(pub)
	return cert, true, err
}

func parseKey(s string) (crypto.Signer, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("not PEM")
	}
	var k any
	var err error
	switch b.Type {
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(b.Bytes)
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	default:
		k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	}
	if err != nil {
		return nil, err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%T cannot sign", k)
	}
	switch signer.(type) {
	case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
		return signer, nil
	}
	return nil, fmt.Errorf("crypto/tls cannot sign with %T", signer)
}

// keyMatches reports whether key belongs to the certificate, compared on
// the encoded public key so that certificates Go cannot parse still match.
func keyMatches(key crypto.Signer, certDER []byte) bool {
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return false
	}
	var want, got subjectPublicKeyInfo
	if _, err := asn1.Unmarshal(der, &want); err != nil {
		return false
	}
	got, err = spkiOf(certDER)
	return err == nil && bytes.Equal(want.PublicKey.Bytes, got.PublicKey.Bytes)
}

type subjectPublicKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	PublicKey asn1.BitString
}

// spkiOf reads the subjectPublicKeyInfo of a certificate with encoding/asn1
// alone, so that it works on certificates crypto/x509 refuses to parse.
func spkiOf(certDER []byte) (subjectPublicKeyInfo, error) {
	var outer struct {
		TBS asn1.RawValue
		Alg asn1.RawValue
		Sig asn1.BitString
	}
	if _, err := asn1.Unmarshal(certDER, &outer); err != nil {
		return subjectPublicKeyInfo{}, err
	}
	var tbs struct {
		Version                                   int `asn1:"optional,explicit,default:0,tag:0"`
		Serial, Sig, Issuer, Validity, SubjectDN  asn1.RawValue
		PublicKey                                 subjectPublicKeyInfo
		IssuerUID, SubjectUID, Extensions, Others asn1.RawValue `asn1:"optional"`
	}
	_, err := asn1.Unmarshal(outer.TBS.FullBytes, &tbs)
	return tbs.PublicKey, err
}

var (
	oidRSA     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidEC      = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidEd25519 = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidP384    = asn1.ObjectIdentifier{1, 3, 132, 0, 34}
	oidP521    = asn1.ObjectIdentifier{1, 3, 132, 0, 35}
)

// throwaway keys are made once per type: RSA key generation is slow under
// the race detector.
var (
	throwawayRSA = sync.OnceValues(func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, 2048) })
	throwawayEC  = map[elliptic.Curve]func() (crypto.Signer, error){}
	throwawayMu  sync.Mutex
)

// throwawayKey makes a key of the type pub names: RSA, ECDSA (on the named
// curve, P-256 when the curve is not named or not one Go signs with) or Ed25519.
func throwawayKey(pub subjectPublicKeyInfo) (crypto.Signer, error) {
	switch alg := pub.Algorithm.Algorithm; {
	case alg.Equal(oidEd25519):
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	case alg.Equal(oidEC):
		curve := elliptic.P256()
		var named asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(pub.Algorithm.Parameters.FullBytes, &named); err == nil {
			switch {
			case named.Equal(oidP384):
				curve = elliptic.P384()
			case named.Equal(oidP521):
				curve = elliptic.P521()
			}
		}
		throwawayMu.Lock()
		gen, ok := throwawayEC[curve]
		if !ok {
			gen = sync.OnceValues(func() (crypto.Signer, error) { return ecdsa.GenerateKey(curve, rand.Reader) })
			throwawayEC[curve] = gen
		}
		throwawayMu.Unlock()
		return gen()
	case alg.Equal(oidRSA):
		return throwawayRSA()
	}
	return nil, fmt.Errorf("no throwaway key for public key algorithm %v", pub.Algorithm.Algorithm)
}
