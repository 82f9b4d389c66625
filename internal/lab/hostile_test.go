package lab

import (
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"slices"
	"strings"
	"testing"
)

// The hostile certificates are what their cases claim: the end-to-end
// test in internal/cli judges them, this one checks they were made right.
func TestHostileCertificates(t *testing.T) {
	p, err := NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	leaf := func(kind string) (*x509.Certificate, [][]byte) {
		t.Helper()
		tc, err := p.hostileCert(kind, kind+".hostile.test")
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		c, err := x509.ParseCertificate(tc.Certificate[0])
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		return c, tc.Certificate
	}
	// Signatures made by hand must still be valid signatures of the issuer.
	checkSig := func(kind string, c *x509.Certificate, alg x509.SignatureAlgorithm) {
		t.Helper()
		if c.SignatureAlgorithm != alg {
			t.Errorf("%s: signature algorithm %v, want %v", kind, c.SignatureAlgorithm, alg)
		}
		pub := p.Issuing.Cert.PublicKey.(*rsa.PublicKey)
		if err := verifyPKCS1(pub, alg, c.RawTBSCertificate, c.Signature); err != nil {
			t.Errorf("%s: signature does not verify: %v", kind, err)
		}
	}

	c, _ := leaf("md5")
	checkSig("md5", c, x509.MD5WithRSA)
	c, _ = leaf("sha1")
	checkSig("sha1", c, x509.SHA1WithRSA)
	c, _ = leaf("negative-serial")
	checkSig("negative-serial", c, x509.SHA256WithRSA)
	if c.SerialNumber.Sign() >= 0 {
		t.Errorf("negative-serial: serial %v", c.SerialNumber)
	}
	if c.Subject.CommonName != "negative-serial.hostile.test" || !slices.Equal(c.DNSNames, []string{"negative-serial.hostile.test"}) {
		t.Errorf("negative-serial: names changed: %q %q", c.Subject.CommonName, c.DNSNames)
	}

	c, _ = leaf("critical-ext")
	if len(c.UnhandledCriticalExtensions) != 1 || !c.UnhandledCriticalExtensions[0].Equal(oidHostileCritical) {
		t.Errorf("critical-ext: unhandled critical extensions %v", c.UnhandledCriticalExtensions)
	}
	c, _ = leaf("rsa1024")
	if k, ok := c.PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() != 1024 {
		t.Errorf("rsa1024: key %T", c.PublicKey)
	}
	c, _ = leaf("many-sans")
	if len(c.DNSNames) != hostileSANs || slices.Contains(c.DNSNames, "many-sans.hostile.test") {
		t.Errorf("many-sans: %d SANs", len(c.DNSNames))
	}
	c, _ = leaf("evil-names")
	if !strings.Contains(c.Subject.CommonName, "\x1b]0;") || !strings.Contains(c.DNSNames[0], "\x1b[31m") {
		t.Errorf("evil-names: CN %q SANs %q", c.Subject.CommonName, c.DNSNames)
	}

	_, chain := leaf("big-chain")
	total := 0
	for _, der := range chain {
		total += len(der)
	}
	if total <= hostileChainBytes || len(chain) < 10 {
		t.Errorf("big-chain: %d certificates, %d bytes", len(chain), total)
	}
}

func TestHostileCases(t *testing.T) {
	h, err := StartHostile(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	names := map[string]bool{}
	for _, c := range h.Cases {
		if names[c.Host] || !strings.HasSuffix(c.Host, "."+HostileDomain) || c.URL == "" {
			t.Errorf("case %+v: duplicate or malformed", c)
		}
		names[c.Host] = true
	}
	for _, want := range []string{"healthy", "silent", "big-chain", "md5", "smtp-no-starttls", "servfail", "cname-loop"} {
		if _, ok := h.Case(want); !ok {
			t.Errorf("no case %q", want)
		}
	}
	args := strings.Join(h.CheckArgs(), " ")
	for _, want := range []string{"--url smtp://smtp-no-starttls.hostile.test", "--connect-to smtp-no-starttls.hostile.test:25::",
		"--connect-to healthy.hostile.test:443::", "--dns-server " + h.DeadDNS.Addr(), "--ca-file " + h.CAFile()} {
		if !strings.Contains(args, want) {
			t.Errorf("CheckArgs lacks %q:\n%s", want, args)
		}
	}
}

// verifyPKCS1 checks an RSA signature whatever its hash, which
// crypto/x509 refuses to do for MD5 and SHA-1.
func verifyPKCS1(pub *rsa.PublicKey, alg x509.SignatureAlgorithm, signed, sig []byte) error {
	var h crypto.Hash
	var digest []byte
	switch alg {
	case x509.MD5WithRSA:
		s := md5.Sum(signed)
		h, digest = crypto.MD5, s[:]
	case x509.SHA1WithRSA:
		s := sha1.Sum(signed)
		h, digest = crypto.SHA1, s[:]
	default:
		s := sha256.Sum256(signed)
		h, digest = crypto.SHA256, s[:]
	}
	return rsa.VerifyPKCS1v15(pub, h, digest, sig)
}
