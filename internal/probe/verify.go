package probe

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// verifyChain judges whether the served chain leads to a trusted root,
// apart from the host name (diag checks names) and apart from expiry: a
// chain that fails only because a certificate is outside its validity is
// verified again at a time inside every served certificate's validity.
func verifyChain(chain []*x509.Certificate, roots *x509.CertPool, now time.Time) Trust {
	if len(chain) == 0 {
		return Trust{}
	}
	served := chain[1:]
	if lifted, ok := withoutOtherNameConstraints(chain); ok {
		served = lifted // UPN name constraints crypto/x509 cannot evaluate (othername.go)
	}
	inter := x509.NewCertPool()
	for _, c := range served {
		inter.AddCert(c)
	}
	verify := func(at time.Time) ([][]*x509.Certificate, error) {
		return chain[0].Verify(x509.VerifyOptions{
			Roots:         roots,
			Intermediates: inter,
			CurrentTime:   at,
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		})
	}
	chains, err := verify(now)
	if err != nil && !validAt(chain, now) {
		if at, ok := commonValidity(chain); ok {
			// Expiry can hide the real trust problem (crypto/x509 reports the
			// first failure it meets), so the second answer is the telling one.
			c2, err2 := verify(at)
			if err2 == nil || !isExpiry(err2) {
				chains, err = c2, err2
			}
		}
	}
	if err == nil {
		return Trust{Verified: true, Chain: chains[0], Chains: chains}
	}
	return classifyTrust(chain, err)
}

func validAt(chain []*x509.Certificate, t time.Time) bool {
	for _, c := range chain {
		if t.Before(c.NotBefore) || t.After(c.NotAfter) {
			return false
		}
	}
	return true
}

// commonValidity returns the middle of the period in which every served
// certificate is valid, if there is one.
func commonValidity(chain []*x509.Certificate) (time.Time, bool) {
	from, until := chain[0].NotBefore, chain[0].NotAfter
	for _, c := range chain[1:] {
		if c.NotBefore.After(from) {
			from = c.NotBefore
		}
		if c.NotAfter.Before(until) {
			until = c.NotAfter
		}
	}
	if until.Before(from) {
		return time.Time{}, false
	}
	return from.Add(until.Sub(from) / 2), true
}

func isExpiry(err error) bool {
	var ie x509.CertificateInvalidError
	return errors.As(err, &ie) && ie.Reason == x509.Expired
}

func classifyTrust(chain []*x509.Certificate, err error) Trust {
	last := chain[len(chain)-1]
	var ua x509.UnknownAuthorityError
	var ie x509.CertificateInvalidError
	switch {
	case strings.Contains(err.Error(), "insecure algorithm"):
		// crypto/x509 reports a chain it will not follow because of an MD5 or
		// SHA-1 signature as an unknown authority; the cause is in the text.
		return Trust{Reason: TrustInvalid, Detail: "the chain is signed with an insecure algorithm that current clients reject: " +
			strings.ToLower(strings.TrimPrefix(err.Error(), "x509: "))}
	case errors.As(err, &ua) && selfSigned(last) && len(chain) == 1:
		return Trust{Reason: TrustUnknownAuthority, Detail: fmt.Sprintf(
			"self-signed certificate %q is not trusted on this machine", dn(last))}
	case errors.As(err, &ua) && selfSigned(last):
		return Trust{Reason: TrustUnknownAuthority, Detail: fmt.Sprintf(
			"root %q is not trusted on this machine", dn(last))}
	case errors.As(err, &ua):
		return Trust{Reason: TrustIncompleteChain, Detail: fmt.Sprintf(
			"the chain stops at %q whose issuer %q was not sent by the server and is not trusted here: "+
				"the server is missing an intermediate certificate, or that CA is not trusted on this machine (add it with --ca-file)",
			dn(last), last.Issuer.String())}
	case errors.As(err, &ie) && ie.Reason == x509.IncompatibleUsage:
		c := chain[0]
		if ie.Cert != nil {
			c = ie.Cert
		}
		return Trust{Reason: TrustWrongUsage, Detail: fmt.Sprintf(
			"%q is not valid for server authentication: its extended key usage does not include serverAuth", dn(c))}
	}
	return Trust{Reason: TrustInvalid, Detail: strings.ToLower(strings.TrimPrefix(err.Error(), "x509: "))}
}

// selfSigned reports whether c names itself as issuer and its signature
// checks with its own key. CheckSignatureFrom is not used: it also demands
// that the issuer be a CA, which Exchange's self-signed certificates are not.
func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) &&
		c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

func dn(c *x509.Certificate) string {
	if s := c.Subject.String(); s != "" {
		return s
	}
	return "(empty subject)"
}

// trustCache remembers the verification of each served chain: in a large
// organisation the same chain is served by hundreds of servers.
type trustCache struct {
	mu sync.Mutex
	m  map[string]Trust
}

func (c *trustCache) verify(chain []*x509.Certificate, roots *x509.CertPool, now time.Time) Trust {
	if len(chain) == 0 {
		return Trust{}
	}
	key := chainKey(chain)
	c.mu.Lock()
	t, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return t
	}
	t = verifyChain(chain, roots, now)
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]Trust{}
	}
	c.m[key] = t
	c.mu.Unlock()
	return t
}
