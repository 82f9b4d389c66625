package diag

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/catalog"
)

// fakeCert describes a certificate by the fields rules_crypto reads. The
// rules are pure, so no signature needs to be real.
type fakeCert struct {
	cn       string
	issuer   string // "" = cn: self-issued
	rsaBits  int    // 0 = ECDSA P-256
	serial   int64
	sig      x509.SignatureAlgorithm
	critical bool // an unknown critical extension
}

var ecdsaKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)

func (fc fakeCert) build() *x509.Certificate {
	issuer := fc.issuer
	if issuer == "" {
		issuer = fc.cn
	}
	subj, _ := asn1.Marshal(pkix.Name{CommonName: fc.cn}.ToRDNSequence())
	iss, _ := asn1.Marshal(pkix.Name{CommonName: issuer}.ToRDNSequence())
	c := &x509.Certificate{
		Raw:                []byte(fmt.Sprintf("%+v", fc)),
		RawSubject:         subj,
		RawIssuer:          iss,
		Subject:            pkix.Name{CommonName: fc.cn},
		SerialNumber:       big.NewInt(fc.serial),
		SignatureAlgorithm: fc.sig,
		PublicKey:          ecdsaKey.Public(),
		NotBefore:          t0.AddDate(-1, 0, 0),
		NotAfter:           t0.AddDate(1, 0, 0),
		DNSNames:           []string{fc.cn},
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if c.SignatureAlgorithm == x509.UnknownSignatureAlgorithm {
		c.SignatureAlgorithm = x509.SHA256WithRSA
	}
	if fc.rsaBits > 0 {
		n := new(big.Int).Lsh(big.NewInt(1), uint(fc.rsaBits-1))
		c.PublicKey = &rsa.PublicKey{N: n.Add(n, big.NewInt(1)), E: 65537}
	}
	if fc.critical {
		c.UnhandledCriticalExtensions = []asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 13, 42}}
	}
	return c
}

func TestCryptoRules(t *testing.T) {
	leaf := fakeCert{cn: "mail.contoso.com", issuer: "Contoso Issuing", rsaBits: 2048, serial: 7}
	inter := fakeCert{cn: "Contoso Issuing", issuer: "Contoso Root", rsaBits: 2048, serial: 8}
	root := fakeCert{cn: "Contoso Root", rsaBits: 4096, serial: 9}
	with := func(c fakeCert, f func(*fakeCert)) fakeCert { f(&c); return c }

	tests := []struct {
		name  string
		chain []fakeCert
		want  []string // "severity code subject: words of the message"
	}{
		{"sound chain", []fakeCert{leaf, inter, root}, nil},
		{"ecdsa leaf", []fakeCert{with(leaf, func(c *fakeCert) { c.rsaBits = 0; c.sig = x509.ECDSAWithSHA256 })}, nil},
		{"rsa-1024 leaf", []fakeCert{with(leaf, func(c *fakeCert) { c.rsaBits = 1024 }), inter},
			[]string{"error cert-weak-key mail.contoso.com: The certificate CN=mail.contoso.com served at 192.0.2.5:443 has a 1024-bit RSA key"}},
		{"rsa-2047 is weak, 2048 is not", []fakeCert{with(leaf, func(c *fakeCert) { c.rsaBits = 2047 })},
			[]string{"error cert-weak-key mail.contoso.com: 2047-bit"}},
		{"rsa-1024 intermediate", []fakeCert{leaf, with(inter, func(c *fakeCert) { c.rsaBits = 1024 })},
			[]string{"error cert-weak-key Contoso Issuing: The intermediate certificate CN=Contoso Issuing sent by 192.0.2.5:443 has a 1024-bit RSA key"}},
		{"rsa-1024 root sent along", []fakeCert{leaf, inter, with(root, func(c *fakeCert) { c.rsaBits = 1024 })},
			[]string{"error cert-weak-key Contoso Root: 1024-bit"}},
		{"md5 leaf", []fakeCert{with(leaf, func(c *fakeCert) { c.sig = x509.MD5WithRSA }), inter},
			[]string{"error cert-weak-signature mail.contoso.com: is signed with MD5"}},
		{"md2 leaf", []fakeCert{with(leaf, func(c *fakeCert) { c.sig = x509.MD2WithRSA })},
			[]string{"error cert-weak-signature mail.contoso.com: is signed with MD2"}},
		{"sha-1 leaf", []fakeCert{with(leaf, func(c *fakeCert) { c.sig = x509.SHA1WithRSA }), inter},
			[]string{"error cert-weak-signature mail.contoso.com: is signed with SHA-1"}},
		{"ecdsa sha-1 leaf", []fakeCert{with(leaf, func(c *fakeCert) { c.rsaBits = 0; c.sig = x509.ECDSAWithSHA1 })},
			[]string{"error cert-weak-signature mail.contoso.com: SHA-1"}},
		{"sha-1 intermediate", []fakeCert{leaf, with(inter, func(c *fakeCert) { c.sig = x509.SHA1WithRSA })},
			[]string{"error cert-weak-signature Contoso Issuing: The intermediate certificate CN=Contoso Issuing sent by 192.0.2.5:443 is signed with SHA-1"}},
		// A root's self-signature is never checked: the client's own copy is the anchor.
		{"sha-1 root sent along", []fakeCert{leaf, inter, with(root, func(c *fakeCert) { c.sig = x509.SHA1WithRSA })}, nil},
		{"md5 self-signed leaf", []fakeCert{{cn: "EX07", rsaBits: 2048, serial: 1, sig: x509.MD5WithRSA}}, nil},
		{"negative serial", []fakeCert{with(leaf, func(c *fakeCert) { c.serial = -0x1f }), inter},
			[]string{"warning cert-negative-serial mail.contoso.com: has a negative serial number (-1F)"}},
		{"zero serial", []fakeCert{with(leaf, func(c *fakeCert) { c.serial = 0 })}, nil},
		// Go clients parse every certificate sent, roots too, and fail on any.
		{"negative serial on the root sent", []fakeCert{leaf, inter, with(root, func(c *fakeCert) { c.serial = -1 })},
			[]string{"warning cert-negative-serial Contoso Root: negative serial"}},
		{"unknown critical extension", []fakeCert{with(leaf, func(c *fakeCert) { c.critical = true }), inter},
			[]string{"error cert-unknown-critical-extension mail.contoso.com: critical extension clients do not know (1.3.6.1.5.5.7.13.42)"}},
		{"unknown critical extension on the root sent", []fakeCert{leaf, inter, with(root, func(c *fakeCert) { c.critical = true })}, nil},
		{"everything wrong at once", []fakeCert{with(leaf, func(c *fakeCert) {
			c.rsaBits, c.serial, c.sig, c.critical = 1024, -5, x509.MD5WithRSA, true
		}), inter}, []string{
			"error cert-weak-key mail.contoso.com: 1024-bit",
			"warning cert-negative-serial mail.contoso.com: (-5)",
			"error cert-weak-signature mail.contoso.com: MD5",
			"error cert-unknown-critical-extension mail.contoso.com: 1.3.6.1.5.5.7.13.42",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var chain []*x509.Certificate
			for _, fc := range tc.chain {
				chain = append(chain, fc.build())
			}
			b := newObs(t).url("https://mail.contoso.com/owa", trusted(chain...))
			var findings []Finding
			for _, f := range Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30}).Findings {
				if cryptoCodes[f.Code] {
					findings = append(findings, f)
				}
			}
			slices.SortStableFunc(findings, func(a, b Finding) int {
				return slices.Index(cryptoOrder, a.Code) - slices.Index(cryptoOrder, b.Code)
			})
			if len(findings) != len(tc.want) {
				t.Fatalf("got %d findings %v, want %q", len(findings), summarize(findings), tc.want)
			}
			for i, f := range findings {
				sev, rest, _ := strings.Cut(tc.want[i], " ")
				code, rest, _ := strings.Cut(rest, " ")
				subject, words, _ := strings.Cut(rest, ": ")
				idx := slices.IndexFunc(tc.chain, func(c fakeCert) bool { return c.cn == subject })
				if f.Severity.String() != sev || string(f.Code) != code || !strings.Contains(f.Message, words) ||
					idx < 0 || f.Thumbprint != Thumbprint(chain[idx]) || f.Host != "mail.contoso.com" || f.Address != "192.0.2.5:443" ||
					!slices.Equal(f.URLs, []string{"https://mail.contoso.com/owa"}) {
					t.Errorf("finding %d: %s %s %s %q; want %q", i, f.Severity, f.Code, f.Thumbprint, f.Message, tc.want[i])
				}
			}
		})
	}
}

// cryptoOrder is the order the tests list findings in; cryptoCodes the set.
var cryptoOrder = []Code{catalog.CertWeakKey, catalog.CertNegativeSerial, catalog.CertWeakSignature, catalog.CertUnknownCriticalExtension}

var cryptoCodes = map[Code]bool{catalog.CertWeakKey: true, catalog.CertNegativeSerial: true, catalog.CertWeakSignature: true, catalog.CertUnknownCriticalExtension: true}

func summarize(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Code))
	}
	return out
}

// The rules run from Judge for every served chain, and merge one
// certificate's problem across the URLs that share it.
func TestCryptoRulesThroughJudge(t *testing.T) {
	weak := fakeCert{cn: "mail.contoso.com", issuer: "Contoso Issuing", rsaBits: 1024, serial: 3, sig: x509.SHA1WithRSA}.build()
	hs := trusted(weak)
	b := newObs(t).url("https://mail.contoso.com/owa", hs).url("https://mail.contoso.com/ews", hs)
	rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
	got := codes(rep)
	want := []string{"error cert-weak-key mail.contoso.com [2]", "error cert-weak-signature mail.contoso.com [2]"}
	if !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}
