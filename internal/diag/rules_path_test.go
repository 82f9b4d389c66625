package diag

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/probe"
)

// minted is a certificate made for a path test, with its key.
type minted struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// mint signs tmpl with parent (nil: self-signed). Defaults: valid a year
// around t0, a CA when tmpl.IsCA, the CN as subject.
func mint(t *testing.T, cn string, tmpl *x509.Certificate, parent *minted) *minted {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if tmpl == nil {
		tmpl = &x509.Certificate{}
	}
	tmpl.SerialNumber = big.NewInt(int64(len(cn)) + time.Now().UnixNano()%1000000)
	if len(tmpl.Subject.ExtraNames) == 0 {
		tmpl.Subject = pkix.Name{CommonName: cn}
	}
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = t0.AddDate(-1, 0, 0), t0.AddDate(1, 0, 0)
	}
	if tmpl.IsCA {
		tmpl.BasicConstraintsValid = true
		tmpl.KeyUsage = x509.KeyUsageCertSign
	}
	signer, issuer := crypto.Signer(key), tmpl
	if parent != nil {
		signer, issuer = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &minted{c, key}
}

func ca(t *testing.T, cn string, parent *minted) *minted {
	return mint(t, cn, &x509.Certificate{IsCA: true}, parent)
}

func server(t *testing.T, parent *minted, names ...string) *minted {
	return mint(t, names[0], &x509.Certificate{DNSNames: names, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, parent)
}

// verifiedBy is a handshake that served chain and verified along paths.
func verifiedBy(served []*minted, paths ...[]*minted) *probe.Handshake {
	hs := &probe.Handshake{Version: tls.VersionTLS13, Trust: probe.Trust{Verified: true}}
	for _, m := range served {
		hs.Chain = append(hs.Chain, m.cert)
	}
	for _, p := range paths {
		var chain []*x509.Certificate
		for _, m := range p {
			chain = append(chain, m.cert)
		}
		hs.Trust.Chains = append(hs.Trust.Chains, chain)
	}
	hs.Trust.Chain = hs.Trust.Chains[0]
	return hs
}

func judgeOne(t *testing.T, url string, hs *probe.Handshake) *Report {
	t.Helper()
	b := newObs(t).url(url, hs)
	return Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
}

func findingOf(rep *Report, code Code) (Finding, bool) {
	i := slices.IndexFunc(rep.Findings, func(f Finding) bool { return f.Code == code })
	if i < 0 {
		return Finding{}, false
	}
	return rep.Findings[i], true
}

func TestPathIgnoresCertificatesNoPathUses(t *testing.T) {
	root := ca(t, "Contoso Root", nil)
	oldRoot := ca(t, "Contoso Old Root", nil)
	inter := ca(t, "Contoso Issuing", root)
	expiredCross := mint(t, "Contoso Root", &x509.Certificate{IsCA: true,
		NotBefore: t0.AddDate(-10, 0, 0), NotAfter: t0.AddDate(0, -1, 0)}, oldRoot)
	leaf := server(t, inter, "mail.contoso.com")

	// The AddTrust pattern: the cross-certificate to an old root expired,
	// clients build leaf → issuing CA → root and never use it.
	rep := judgeOne(t, "https://mail.contoso.com/", verifiedBy([]*minted{leaf, inter, expiredCross}, []*minted{leaf, inter, root}))
	if got := codes(rep); !slices.Equal(got, []string{"warning chain-extra-cert mail.contoso.com [1]"}) {
		t.Fatalf("findings = %q, want only chain-extra-cert", got)
	}
	f, _ := findingOf(rep, catalog.ChainExtraCert)
	for _, want := range []string{"CN=Contoso Root (issued by CN=Contoso Old Root)", "expired on", "CN=mail.contoso.com → CN=Contoso Issuing → CN=Contoso Root", "OpenSSL 1.0", "Intermediate Certification Authorities"} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message lacks %q: %s", want, f.Message)
		}
	}
	if f.Thumbprint != Thumbprint(expiredCross.cert) {
		t.Errorf("thumbprint is not the extra certificate's")
	}

	// The same chain judged without a verified path (the old way, and still
	// the way when nothing verifies) makes the expiry an error.
	hs := verifiedBy([]*minted{leaf, inter, expiredCross}, []*minted{leaf, inter, root})
	hs.Trust = probe.Trust{Reason: probe.TrustUnknownAuthority, Detail: "root not trusted"}
	if _, ok := findingOf(judgeOne(t, "https://mail.contoso.com/", hs), catalog.CertExpired); !ok {
		t.Error("an unverified chain no longer judges every certificate served")
	}
}

func TestPathExtraCertificateSaysWhatIsWrong(t *testing.T) {
	root := ca(t, "Contoso Root", nil)
	inter := ca(t, "Contoso Issuing", root)
	leaf := server(t, inter, "mail.contoso.com")
	unused := ca(t, "Fabrikam Issuing", root)
	critical := mint(t, "Odd Issuing", &x509.Certificate{IsCA: true, ExtraExtensions: []pkix.Extension{
		{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 55738, 666, 1}, Critical: true, Value: []byte{5, 0}}}}, root)

	rep := judgeOne(t, "https://mail.contoso.com/", verifiedBy([]*minted{leaf, inter, unused, critical}, []*minted{leaf, inter, root}))
	var msgs []string
	for _, f := range rep.Findings {
		if f.Severity == Error {
			t.Errorf("error %s: %s", f.Code, f.Message)
		}
		if f.Code == catalog.ChainExtraCert {
			msgs = append(msgs, f.Message)
		}
	}
	if len(msgs) != 2 {
		t.Fatalf("chain-extra-cert findings = %d, want 2: %q", len(msgs), msgs)
	}
	sev := map[string]Severity{}
	for _, f := range rep.Findings {
		sev[f.Thumbprint] = f.Severity
	}
	if sev[Thumbprint(unused.cert)] != Info || sev[Thumbprint(critical.cert)] != Warning {
		t.Errorf("severities: unused %s, critical %s; want info, warning", sev[Thumbprint(unused.cert)], sev[Thumbprint(critical.cert)])
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"CN=Fabrikam Issuing", "Nothing is wrong with it", "CN=Odd Issuing", "critical extension clients do not know (1.3.6.1.4.1.55738.666.1)"} {
		if !strings.Contains(joined, want) {
			t.Errorf("messages lack %q:\n%s", want, joined)
		}
	}
}

func TestPathPicksTheBestVerifiedPath(t *testing.T) {
	root := ca(t, "Contoso Root", nil)
	inter := ca(t, "Contoso Issuing", root)
	oldInter := mint(t, "Contoso Issuing", &x509.Certificate{IsCA: true,
		NotBefore: t0.AddDate(-5, 0, 0), NotAfter: t0.AddDate(0, 0, -1)}, root)
	leaf := server(t, inter, "mail.contoso.com")
	hs := verifiedBy([]*minted{leaf, oldInter, inter}, []*minted{leaf, oldInter, root}, []*minted{leaf, inter, root})
	path, extra := clientPath(hs, t0)
	if len(path) != 3 || path[1] != inter.cert || len(extra) != 0 {
		t.Fatalf("path = %v, extra = %v; want the path through the valid intermediate, nothing extra", pathNames(path), extra)
	}
	if rep := judgeOne(t, "https://mail.contoso.com/", hs); len(rep.Findings) != 0 {
		t.Errorf("findings = %q, want none: a valid path exists", codes(rep))
	}
}

func TestPathJudgesTheRootItLeadsTo(t *testing.T) {
	root := mint(t, "Contoso Root", &x509.Certificate{IsCA: true, NotBefore: t0.AddDate(-20, 0, 0), NotAfter: t0.AddDate(0, 0, -2)}, nil)
	leaf := server(t, root, "mail.contoso.com")
	rep := judgeOne(t, "https://mail.contoso.com/", verifiedBy([]*minted{leaf}, []*minted{leaf, root}))
	f, ok := findingOf(rep, catalog.CertExpired)
	if !ok || f.Severity != Error || !strings.Contains(f.Message, "the root certificate CN=Contoso Root that the chain served at 192.0.2.5:443 leads to expired on") {
		t.Fatalf("want cert-expired naming the root the chain leads to; got %q %q", codes(rep), f.Message)
	}
	if f.Thumbprint != Thumbprint(root.cert) {
		t.Error("the finding does not carry the root's thumbprint")
	}
}

func TestProfileEmptyExtendedKeyUsage(t *testing.T) {
	root := ca(t, "Contoso Root", nil)
	empty := mint(t, "mail.contoso.com", &x509.Certificate{DNSNames: []string{"mail.contoso.com"},
		ExtraExtensions: []pkix.Extension{{Id: oidExtKeyUsage, Value: []byte{0x30, 0}}}}, root)
	none := mint(t, "mail.contoso.com", &x509.Certificate{DNSNames: []string{"mail.contoso.com"}}, root)
	good := server(t, root, "mail.contoso.com")
	for _, tc := range []struct {
		leaf *minted
		want bool
	}{{empty, true}, {none, false}, {good, false}} {
		rep := judgeOne(t, "https://mail.contoso.com/", verifiedBy([]*minted{tc.leaf}, []*minted{tc.leaf, root}))
		f, got := findingOf(rep, catalog.CertProfile)
		if got != tc.want {
			t.Errorf("EKU %v (extension present: %v): cert-profile = %v, want %v", tc.leaf.cert.ExtKeyUsage, emptyEKU(tc.leaf.cert), got, tc.want)
			continue
		}
		if got && (f.Severity != Error || !strings.Contains(f.Message, "Windows reads that as valid for no purpose") || !strings.Contains(f.Message, "Outlook for Mac")) {
			t.Errorf("cert-profile %s: %s", f.Severity, f.Message)
		}
	}
}
