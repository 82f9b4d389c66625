package probe

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/exdiag/exdiag/internal/lab"
)

// generalName encodes a GeneralName of the given context tag.
func generalName(t *testing.T, tag int, content []byte) asn1.RawValue {
	t.Helper()
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: tag, IsCompound: true, Bytes: content}
}

// upn is an otherName holding a user principal name, as Windows writes it.
func upn(t *testing.T, name string) asn1.RawValue {
	t.Helper()
	oid, err1 := asn1.Marshal(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 20, 2, 3})
	utf, err2 := asn1.MarshalWithParams(name, "utf8")
	value, err3 := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: utf})
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	return generalName(t, 0, append(oid, value...))
}

// permitting encodes a critical NameConstraints extension permitting bases.
func permitting(t *testing.T, bases ...asn1.RawValue) pkix.Extension {
	t.Helper()
	var subtrees []byte
	for _, b := range bases {
		der, err := asn1.Marshal(struct{ Base asn1.RawValue }{b})
		if err != nil {
			t.Fatal(err)
		}
		subtrees = append(subtrees, der...)
	}
	der, err := asn1.Marshal(struct{ Permitted asn1.RawValue }{generalName(t, 0, subtrees)})
	if err != nil {
		t.Fatal(err)
	}
	return pkix.Extension{Id: oidNameConstraints, Critical: true, Value: der}
}

func TestOtherNameConstraintsAreMootWithoutOtherNames(t *testing.T) {
	root, err := lab.NewRootCA("Contoso Root", testNow.AddDate(-5, 0, 0), testNow.AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(root.Cert)
	dn, err := asn1.Marshal(pkix.Name{CommonName: "Contoso"}.ToRDNSequence())
	if err != nil {
		t.Fatal(err)
	}
	mint := func(tmpl *x509.Certificate, parent *x509.Certificate, signer *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl.SerialNumber = big.NewInt(7)
		tmpl.NotBefore, tmpl.NotAfter = testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0)
		var s any = root.Key
		if signer != nil {
			s = signer
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), s)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c, key
	}
	ca := func(nc pkix.Extension) (*x509.Certificate, *ecdsa.PrivateKey) {
		return mint(&x509.Certificate{Subject: pkix.Name{CommonName: "Contoso UPN CA"}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign, ExtraExtensions: []pkix.Extension{nc}}, root.Cert, nil)
	}
	leafOf := func(issuer *x509.Certificate, key *ecdsa.PrivateKey, withUPN bool) *x509.Certificate {
		tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "mail.contoso.com"}, DNSNames: []string{"mail.contoso.com"},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
		if withUPN {
			var names []byte
			dns, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 2, Bytes: []byte("mail.contoso.com")})
			other, _ := asn1.Marshal(upn(t, "mail@contoso.com"))
			names = append(dns, other...)
			san, _ := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: names})
			tmpl.DNSNames = nil
			tmpl.ExtraExtensions = []pkix.Extension{{Id: oidSubjectAltName, Value: san}}
		}
		c, _ := mint(tmpl, issuer, key)
		return c
	}

	upnCA, upnKey := ca(permitting(t, upn(t, "@contoso.com")))
	dnCA, dnKey := ca(permitting(t, generalName(t, 4, dn)))
	if len(upnCA.UnhandledCriticalExtensions) != 1 {
		t.Fatalf("crypto/x509 now evaluates otherName constraints (unhandled: %v): drop othername.go", upnCA.UnhandledCriticalExtensions)
	}
	tests := []struct {
		name  string
		chain []*x509.Certificate
		want  bool
	}{
		{"UPN-constrained CA, server certificate without UPN", []*x509.Certificate{leafOf(upnCA, upnKey, false), upnCA}, true},
		{"UPN-constrained CA, server certificate with a UPN", []*x509.Certificate{leafOf(upnCA, upnKey, true), upnCA}, false},
		{"directoryName-constrained CA", []*x509.Certificate{leafOf(dnCA, dnKey, false), dnCA}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := verifyChain(tc.chain, roots, testNow)
			if tr.Verified != tc.want {
				t.Fatalf("verified = %v (%s), want %v", tr.Verified, tr.Detail, tc.want)
			}
			if tr.Verified && len(tr.Chain[1].UnhandledCriticalExtensions) != 0 {
				t.Error("the verified path still shows the lifted extension as unhandled")
			}
			if len(tc.chain[1].UnhandledCriticalExtensions) != 1 {
				t.Error("the served certificate was changed")
			}
		})
	}
}
