package probe

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
)

// RevocationKind says how a certificate's revocation status is published.
type RevocationKind string

// Revocation kinds.
const (
	RevocationCRL  RevocationKind = "crl"  // a CRL distribution point
	RevocationOCSP RevocationKind = "ocsp" // an OCSP responder (Authority Information Access)
)

// RevocationState is what one source said of one certificate.
type RevocationState string

// Revocation states. Good and Revoked are answers; the others are why a
// source gave none, which Windows reports as "The revocation information
// for the security certificate for this site is not available".
const (
	RevocationGood        RevocationState = "good"
	RevocationRevoked     RevocationState = "revoked"
	RevocationUnavailable RevocationState = "unavailable" // no answer, an HTTP error, a name that does not resolve
	RevocationStale       RevocationState = "stale"       // a CRL or OCSP answer past its nextUpdate
	RevocationInvalid     RevocationState = "invalid"     // not a CRL or OCSP answer, or not signed by the issuer
	RevocationUnknown     RevocationState = "unknown"     // the OCSP responder does not know the certificate
	RevocationNotRead     RevocationState = "not-read"    // an LDAP distribution point exdiag had no directory to read
)

// RevocationSource is one distribution point or responder of one
// certificate, and what it said.
type RevocationSource struct {
	Kind   RevocationKind
	URL    string
	State  RevocationState
	Detail string
	// RevokedAt and Reason (RFC 5280 CRLReason) when State is Revoked.
	RevokedAt time.Time
	Reason    int
	// Internal marks a source only clients inside the network reach: an
	// LDAP distribution point, or an HTTP one on an internal name.
	Internal bool
}

// CertRevocation is where one certificate's revocation status is published.
type CertRevocation struct {
	Subject string
	Sources []RevocationSource
}

// CertKey is how Observations.Revocation names a certificate: the upper-case
// hex SHA-256 of its DER.
func CertKey(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// checkRevocation finds, for every certificate of every chain observed
// (the verified path when there is one, else what was served; never the
// root), its CRL distribution points and OCSP responders, and asks each
// once. A certificate that names neither gets no entry: Windows skips it.
func (p *Prober) checkRevocation(ctx context.Context, obs *Observations, f *fetcher) {
	type job struct {
		cert, issuer *x509.Certificate
	}
	jobs := map[string]job{}
	for _, h := range obs.Handshakes {
		if h == nil || len(h.Chain) == 0 {
			continue
		}
		path := h.Chain
		if h.Trust.Verified {
			path = h.Trust.Chain
		}
		for i, c := range path {
			if i == len(path)-1 && selfSigned(c) {
				break
			}
			if len(c.CRLDistributionPoints) == 0 && len(c.OCSPServer) == 0 {
				continue
			}
			k := CertKey(c)
			if _, ok := jobs[k]; ok {
				continue
			}
			var issuer *x509.Certificate
			// A verified path is already checked link by link.
			if i+1 < len(path) && (h.Trust.Verified || c.CheckSignatureFrom(path[i+1]) == nil) {
				issuer = path[i+1]
			}
			jobs[k] = job{c, issuer}
		}
	}
	if obs.Revocation == nil {
		obs.Revocation = map[string]*CertRevocation{}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	cr := &crlCache{m: map[string]*crlCall{}}
	for k, j := range jobs {
		wg.Go(func() {
			r := &CertRevocation{Subject: dn(j.cert)}
			for _, u := range j.cert.CRLDistributionPoints {
				r.Sources = append(r.Sources, p.crlSource(ctx, f, cr, u, j.cert, j.issuer))
			}
			for _, u := range j.cert.OCSPServer {
				r.Sources = append(r.Sources, p.ocspSource(ctx, f, u, j.cert, j.issuer))
			}
			mu.Lock()
			obs.Revocation[k] = r
			mu.Unlock()
		})
	}
	wg.Wait()
}

// internalHost reports a host only clients inside the network resolve: a
// single label, a name under the organisation's AD DNS domain, or a
// special-use suffix (RFC 6761, RFC 6762, RFC 8375 and common private ones).
func (p *Prober) internalHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if a, err := netip.ParseAddr(host); err == nil {
		return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast()
	}
	if host == "" {
		return false
	}
	if !strings.Contains(host, ".") {
		return true
	}
	suffixes := append([]string{"local", "localdomain", "internal", "intranet", "lan", "corp", "home.arpa", "test", "invalid"}, p.cfg.InternalDomains...)
	for _, s := range suffixes {
		s = strings.ToLower(strings.Trim(s, "."))
		if s != "" && (host == s || strings.HasSuffix(host, "."+s)) {
			return true
		}
	}
	return false
}

// sourceInternal reports whether a distribution point URL is reachable
// only inside the network.
func (p *Prober) sourceInternal(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Scheme, "ldap") {
		return true
	}
	return p.internalHost(u.Hostname())
}
