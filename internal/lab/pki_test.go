package lab

import (
	"crypto/x509"
	"testing"
	"time"
)

func TestIssueChainVerifies(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	root, err := NewRootCA("Lab Root", now.AddDate(-1, 0, 0), now.AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	inter, err := root.NewIntermediate("Lab Issuing", now.AddDate(-1, 0, 0), now.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := inter.Issue(LeafSpec{CommonName: "mail.contoso.com", DNSNames: []string{"mail.contoso.com"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if len(leaf.Certificate) != 2 {
		t.Fatalf("chain length = %d, want leaf + intermediate", len(leaf.Certificate))
	}
	roots := x509.NewCertPool()
	roots.AddCert(root.Cert)
	inters := x509.NewCertPool()
	inters.AddCert(inter.Cert)
	if _, err := leaf.Leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters, CurrentTime: now, DNSName: "mail.contoso.com"}); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if _, err := LeafOnly(leaf).Leaf.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now}); err == nil {
		t.Fatal("leaf without its intermediate verified; want unknown authority")
	}
}

func TestExchangeSelfSignedShape(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	c, err := ExchangeSelfSigned("EX07", "ex07.contoso.local", now, 1)
	if err != nil {
		t.Fatal(err)
	}
	l := c.Leaf
	if l.Subject.CommonName != "EX07" || len(l.DNSNames) != 2 || l.DNSNames[1] != "ex07.contoso.local" {
		t.Fatalf("subject %q SANs %v", l.Subject.CommonName, l.DNSNames)
	}
	if err := l.CheckSignature(l.SignatureAlgorithm, l.RawTBSCertificate, l.Signature); err != nil {
		t.Fatalf("not self-signed: %v", err)
	}
	if got := l.NotAfter.Sub(l.NotBefore); got < 364*24*time.Hour || got > 366*24*time.Hour {
		t.Fatalf("validity %v, want one year", got)
	}
}
