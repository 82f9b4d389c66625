package probe

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"slices"
	"testing"

	"github.com/exdiag/exdiag/internal/lab"
)

// A cross-signed intermediate gives clients two paths; diag must see both
// to know which served certificates a path uses.
func TestVerifyChainKeepsEveryVerifiedPath(t *testing.T) {
	rootA, err := lab.NewRootCA("Contoso Root A", testNow.AddDate(-5, 0, 0), testNow.AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	rootB, err := lab.NewRootCA("Contoso Root B", testNow.AddDate(-5, 0, 0), testNow.AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	interA, err := rootA.NewIntermediateWithKey("Contoso Issuing", key, nil, testNow.AddDate(-1, 0, 0), testNow.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	interB, err := rootB.NewIntermediateWithKey("Contoso Issuing", key, nil, testNow.AddDate(-1, 0, 0), testNow.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := interA.Issue(lab.LeafSpec{CommonName: "mail.contoso.com", DNSNames: []string{"mail.contoso.com"},
		NotBefore: testNow.AddDate(0, -1, 0), NotAfter: testNow.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(rootA.Cert)
	roots.AddCert(rootB.Cert)

	tr := verifyChain([]*x509.Certificate{leaf.Leaf, interA.Cert, interB.Cert}, roots, testNow)
	if !tr.Verified || len(tr.Chains) != 2 {
		t.Fatalf("verified %v with %d paths, want 2: %s", tr.Verified, len(tr.Chains), tr.Detail)
	}
	if !slices.Equal(tr.Chain, tr.Chains[0]) {
		t.Error("Chain is not the first of Chains")
	}
	var tops []string
	for _, ch := range tr.Chains {
		tops = append(tops, ch[len(ch)-1].Subject.CommonName)
	}
	slices.Sort(tops)
	if !slices.Equal(tops, []string{"Contoso Root A", "Contoso Root B"}) {
		t.Errorf("paths end at %q, want both roots", tops)
	}
}
