package ad

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"
)

// certWithNames makes a certificate with the given issuer and subject.
func certWithNames(t *testing.T, issuer, subject pkix.Name) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	parent := &x509.Certificate{Subject: issuer, SerialNumber: big.NewInt(1)}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: subject, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Names are written as Windows writes X509Certificate2.Issuer and
// .Subject: most specific part first, ", " between parts, S= and E=,
// quotes around values with separators, OID.n for unknown types.
func TestWindowsName(t *testing.T) {
	issuer := pkix.Name{Country: []string{"US"}, Organization: []string{"Let's Encrypt"}, CommonName: "R3"}
	subject := pkix.Name{
		CommonName: "mail.contoso.com", Organization: []string{"Contoso, Ltd"}, Province: []string{"Washington"}, Country: []string{"US"},
		ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}, Value: "admin@contoso.com"},
			{Type: asn1.ObjectIdentifier{2, 5, 4, 97}, Value: "VATUS-123"},
		},
	}
	c := certWithNames(t, issuer, subject)
	if got, want := WindowsName(c.RawIssuer), "CN=R3, O=Let's Encrypt, C=US"; got != want {
		t.Errorf("issuer %q, want %q", got, want)
	}
	got := WindowsName(c.RawSubject)
	want := `OID.2.5.4.97=VATUS-123, E=admin@contoso.com, CN=mail.contoso.com, O="Contoso, Ltd", S=Washington, C=US`
	if got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
	if got, want := TLSCertificateName(c), "<I>CN=R3, O=Let's Encrypt, C=US<S>"+want; got != want {
		t.Errorf("TlsCertificateName %q, want %q", got, want)
	}
	if WindowsName([]byte("garbage")) != "" {
		t.Error("a name that does not parse is written")
	}
}

// A TlsCertificateName set by hand, or by another tool, names the same
// certificate whatever its spacing, case, order or spelling of types.
func TestNamesCertificate(t *testing.T) {
	c := certWithNames(t, pkix.Name{CommonName: "Contoso Issuing CA", Organization: []string{"Contoso"}, Province: []string{"WA"}},
		pkix.Name{CommonName: "mail.contoso.com", Organization: []string{"Contoso, Ltd"}})
	for _, tt := range []struct {
		value string
		want  bool
	}{
		{TLSCertificateName(c), true},
		{`<I>CN=Contoso Issuing CA, O=Contoso, S=WA<S>CN=mail.contoso.com, O="Contoso, Ltd"`, true},
		{`<i>cn=contoso issuing ca,o=contoso,st=wa<s>o="Contoso, Ltd",CN=MAIL.contoso.com`, true},
		{`<I>OID.2.5.4.3=Contoso Issuing CA, O=Contoso, ST=WA<S>CN=mail.contoso.com, O="Contoso, Ltd"`, true},
		{`<I>CN=Contoso Issuing CA, O=Contoso, S=WA<S>CN=mail.contoso.com`, false},
		{`<I>CN=Other CA<S>CN=mail.contoso.com, O="Contoso, Ltd"`, false},
		{`CN=mail.contoso.com`, false},
		{`<S>CN=mail.contoso.com<I>CN=Contoso Issuing CA`, false},
		{``, false},
	} {
		if got := NamesCertificate(tt.value, c); got != tt.want {
			t.Errorf("NamesCertificate(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}
