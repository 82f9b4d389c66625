package probe

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
)

// revocationLab serves, over real TLS and HTTP on loopback, one certificate
// per host name from the lab CA, whose web server publishes its CRLs,
// caIssuers certificates and OCSP answers.
type revocationLab struct {
	pki    *lab.PKI
	certs  map[string]tls.Certificate
	cfg    Config
	crlDER []byte
}

func startRevocationLab(t *testing.T, specs map[string]lab.LeafSpec, revoked []string, leafOnly ...string) *revocationLab {
	t.Helper()
	p, err := lab.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	rl := &revocationLab{pki: p, certs: map[string]tls.Certificate{}}
	var rev []*x509.Certificate
	records := []string{lab.PKIHost + ". 300 IN A 127.0.0.1"}
	for host, spec := range specs {
		spec.CommonName, spec.DNSNames = host, []string{host}
		spec.NotBefore, spec.NotAfter = lab.Clock.AddDate(0, -1, 0), lab.Clock.AddDate(0, 11, 0)
		c, err := p.Issuing.Issue(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, lo := range leafOnly {
			if lo == host {
				c = lab.LeafOnly(c)
			}
		}
		rl.certs[host] = c
		for _, r := range revoked {
			if r == host {
				rev = append(rev, c.Leaf)
			}
		}
		records = append(records, host+". 300 IN A 127.0.0.1")
	}
	pub, err := p.Publish(rev)
	if err != nil {
		t.Fatal(err)
	}
	rl.crlDER = pub.DirectoryCRL
	web, err := lab.StartPKIServer("127.0.0.1:0", pub)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { web.Close() })
	srv := startServer(t, lab.ServerSpec{Certs: rl.certs})
	d := startDNS(t, lab.DNSSpec{Records: records})
	rl.cfg = testConfig(d, mustConnectTo(t, ":443::%d", srv.Port()), mustConnectTo(t, ":80::%d", web.Port()))
	roots := x509.NewCertPool()
	roots.AddCert(p.Root.Cert)
	rl.cfg.Roots, rl.cfg.Now = roots, func() time.Time { return lab.Clock }
	return rl
}

// source returns what the first source of host's leaf said.
func (rl *revocationLab) source(t *testing.T, obs *Observations, host string) RevocationSource {
	t.Helper()
	r := obs.Revocation[CertKey(rl.certs[host].Leaf)]
	if r == nil || len(r.Sources) == 0 {
		t.Fatalf("%s: no revocation sources recorded", host)
	}
	return r.Sources[0]
}

func TestRevocationSources(t *testing.T) {
	const stale = "http://" + lab.PKIHost + "/crl/stale.crl"
	ldapURL := "ldap:///CN=Contoso Lab Issuing CA,CN=PKI01,CN=CDP,CN=Public Key Services,CN=Services,CN=Configuration,DC=contoso,DC=local?certificateRevocationList?base?objectClass=cRLDistributionPoint"
	specs := map[string]lab.LeafSpec{
		"good.contoso.com":         {CRLURLs: []string{lab.IssuingCRL}},
		"revoked.contoso.com":      {CRLURLs: []string{lab.IssuingCRL}},
		"stale.contoso.com":        {CRLURLs: []string{stale}},
		"down.contoso.com":         {CRLURLs: []string{"http://nowhere.contoso.com/x.crl"}},
		"ocsp-good.contoso.com":    {OCSPURLs: []string{lab.OCSPURL}},
		"ocsp-revoked.contoso.com": {OCSPURLs: []string{lab.OCSPURL}},
		"ldap.contoso.com":         {CRLURLs: []string{ldapURL}},
		"internal.contoso.com":     {CRLURLs: []string{"http://pki.contoso.local/crl/issuing.crl"}},
		"none.contoso.com":         {},
	}
	rl := startRevocationLab(t, specs, []string{"revoked.contoso.com", "ocsp-revoked.contoso.com"})
	var urls []string
	for host := range specs {
		urls = append(urls, "https://"+host+"/")
	}
	rl.cfg.DirectoryCRLs = map[string][]byte{strings.ToLower(ldapURL[len("ldap:///"):strings.IndexByte(ldapURL, '?')]): rl.crlDER}
	rl.cfg.InternalDomains = []string{"contoso.local"}
	obs := run(t, rl.cfg, urls...)

	for _, tt := range []struct {
		host     string
		state    RevocationState
		internal bool
		detail   string
	}{
		{"good.contoso.com", RevocationGood, false, ""},
		{"revoked.contoso.com", RevocationRevoked, false, "listed in the crl"},
		{"stale.contoso.com", RevocationStale, false, "the crl expired on"},
		{"down.contoso.com", RevocationUnavailable, false, "nowhere.contoso.com does not resolve"},
		{"ocsp-good.contoso.com", RevocationGood, false, ""},
		{"ocsp-revoked.contoso.com", RevocationRevoked, false, "says revoked"},
		{"ldap.contoso.com", RevocationGood, true, ""},
		{"internal.contoso.com", RevocationUnavailable, true, "does not resolve"},
	} {
		got := rl.source(t, obs, tt.host)
		if got.State != tt.state || got.Internal != tt.internal || !strings.Contains(strings.ToLower(got.Detail), tt.detail) {
			t.Errorf("%s: %+v, want state %s, internal %v, detail with %q", tt.host, got, tt.state, tt.internal, tt.detail)
		}
		if tt.state == RevocationRevoked && (got.RevokedAt.IsZero() || got.Reason != 1) {
			t.Errorf("%s: revoked at %v, reason %d; want a date and key compromise (1)", tt.host, got.RevokedAt, got.Reason)
		}
	}
	if r := obs.Revocation[CertKey(rl.certs["none.contoso.com"].Leaf)]; r != nil {
		t.Errorf("a certificate naming no source got %+v; Windows skips it", r)
	}
	// issuing.crl is named by two certificates and fetched once; with
	// stale.crl, nowhere's and pki.contoso.local's CRLs and the two OCSP
	// requests (one per certificate), six fetches in all.
	if obs.Stats.Fetches != 6 {
		t.Errorf("%d fetches, want 6: each URL (and OCSP request) once", obs.Stats.Fetches)
	}

	// Without the directory's copy, an ldap:/// point is not read.
	rl.cfg.DirectoryCRLs = nil
	if got := rl.source(t, run(t, rl.cfg, "https://ldap.contoso.com/"), "ldap.contoso.com"); got.State != RevocationNotRead || !got.Internal {
		t.Errorf("ldap without the directory: %+v", got)
	}
	// --no-revocation fetches nothing.
	rl.cfg.NoRevocation = true
	if obs := run(t, rl.cfg, urls...); len(obs.Revocation) != 0 || obs.Stats.Fetches != 0 {
		t.Errorf("with NoRevocation: %d entries, %d fetches", len(obs.Revocation), obs.Stats.Fetches)
	}
}

// A CRL signed by another CA than the certificate's issuer gives no answer.
func TestRevocationWrongSigner(t *testing.T) {
	// The root's CRL names the root as issuer; a leaf of the issuing CA
	// pointing at it must not be judged by it.
	rl := startRevocationLab(t, map[string]lab.LeafSpec{"x.contoso.com": {CRLURLs: []string{lab.RootCRL}}}, nil)
	got := rl.source(t, run(t, rl.cfg, "https://x.contoso.com/"), "x.contoso.com")
	if got.State != RevocationInvalid {
		t.Errorf("%+v, want invalid", got)
	}
}

// A server that sends its certificate without the intermediate is
// completed from the certificate's caIssuers URL, as Windows does; the
// root never comes from there.
func TestAIACompletesTheChain(t *testing.T) {
	rl := startRevocationLab(t, map[string]lab.LeafSpec{
		"aia.contoso.com":     {IssuerURLs: []string{lab.IssuingAIA}},
		"no-aia.contoso.com":  {},
		"bad-aia.contoso.com": {IssuerURLs: []string{"http://" + lab.PKIHost + "/crl/issuing.crl"}},
	}, nil, "aia.contoso.com", "no-aia.contoso.com", "bad-aia.contoso.com")
	obs := run(t, rl.cfg, "https://aia.contoso.com/", "https://no-aia.contoso.com/", "https://bad-aia.contoso.com/")
	hs := func(i int) *Handshake { return obs.Handshakes[obs.Endpoints[i].Handshake] }
	if h := hs(0); !h.Trust.Verified || !h.Trust.CompletedByAIA || len(h.Trust.Chain) != 3 || len(h.Chain) != 1 ||
		len(h.Trust.AIA) != 1 || h.Trust.AIA[0].Subject == "" {
		t.Errorf("aia: trust %+v, served %d", h.Trust, len(h.Chain))
	}
	if h := hs(1); h.Trust.Verified || h.Trust.Reason != TrustIncompleteChain || len(h.Trust.AIA) != 0 {
		t.Errorf("no aia: trust %+v", h.Trust)
	}
	if h := hs(2); h.Trust.Verified || len(h.Trust.AIA) != 1 || h.Trust.AIA[0].Err == "" {
		t.Errorf("aia serving a crl: trust %+v", h.Trust)
	}
}

// Addresses no client can use are never connected to.
func TestUnusableAddressesAreNotConnected(t *testing.T) {
	d := startDNS(t, lab.DNSSpec{Records: []string{"zero.contoso.com. 300 IN A 0.0.0.0", "bcast.contoso.com. 300 IN A 255.255.255.255",
		"multi.contoso.com. 300 IN A 224.0.0.1", "both.contoso.com. 300 IN A 0.0.0.0", "both.contoso.com. 300 IN A 127.0.0.1"}})
	obs := run(t, testConfig(d), "https://zero.contoso.com/", "https://bcast.contoso.com/", "https://multi.contoso.com/", "https://both.contoso.com/")
	for i, eo := range obs.Endpoints[:3] {
		if !eo.Handshake.Zero() {
			t.Errorf("%d: %s was connected to (%s)", i, eo.Endpoint.URL, eo.Handshake.Address)
		}
	}
	if k := obs.Endpoints[3].Handshake; !strings.HasPrefix(k.Address, "127.0.0.1:") {
		t.Errorf("both: connected to %q, want the usable 127.0.0.1", k.Address)
	}
	if obs.Stats.DNSAnswers == 0 {
		t.Error("the DNS server's answers were not counted")
	}
}

// A DNS server that never answers leaves the answer count at zero, which
// is how the command knows to stop.
func TestDeadDNSAnswersNothing(t *testing.T) {
	d := startDNS(t, lab.DNSSpec{Silent: true})
	cfg := testConfig(d)
	cfg.Timeout = 200 * time.Millisecond
	obs := run(t, cfg, "https://mail.contoso.com/")
	if obs.Stats.DNSLookups != 1 || obs.Stats.DNSAnswers != 0 {
		t.Errorf("lookups %d, answers %d", obs.Stats.DNSLookups, obs.Stats.DNSAnswers)
	}
}

// A certificate bound with another key: the server cannot prove it holds
// the certificate's key, and the chain it sent is kept.
func TestWrongKey(t *testing.T) {
	p := newPKI(t)
	cert := p.leaf(t, "mail.contoso.com")
	other := p.leaf(t, "other.contoso.com")
	cert.PrivateKey = other.PrivateKey
	srv := startServer(t, lab.ServerSpec{Certs: map[string]tls.Certificate{"": cert}})
	cfg := testConfig(startDNS(t, lab.DNSSpec{Records: []string{"mail.contoso.com. 300 IN A 127.0.0.1"}}), mustConnectTo(t, ":443::%d", srv.Port()))
	cfg.Roots = p.roots
	h := only(t, run(t, cfg, "https://mail.contoso.com/"))
	if h.Err == nil || h.Err.Kind != ErrServerProof || len(h.Chain) == 0 || !h.Chain[0].Equal(cert.Leaf) {
		t.Errorf("err %v, chain %d; want %s with the chain kept", h.Err, len(h.Chain), ErrServerProof)
	}
}
