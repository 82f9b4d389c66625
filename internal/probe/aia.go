package probe

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// maxAIADepth bounds how many issuers are fetched one after the other:
// a leaf's issuer, that issuer's issuer, and so on.
const maxAIADepth = 3

// AIAFetch is one CA certificate fetched from an Authority Information
// Access caIssuers URL, as Windows does for a missing intermediate.
type AIAFetch struct {
	URL string
	// Subject of the certificate fetched; empty when the fetch failed.
	Subject string
	// Err says why nothing usable came back.
	Err string
}

// completeChains tries, for every served chain that stops short of a
// trusted root, the caIssuers URLs of its last certificate (and of what
// they return, up to maxAIADepth). A root is never taken from AIA: the
// fetched certificates are only intermediates, and the chain must still
// end in a trusted root.
func (p *Prober) completeChains(ctx context.Context, obs *Observations, f *fetcher) {
	byChain := map[string][]*Handshake{}
	for _, h := range obs.Handshakes {
		if h != nil && !h.Trust.Verified && h.Trust.Reason == TrustIncompleteChain {
			k := chainKey(h.Chain)
			byChain[k] = append(byChain[k], h)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, hs := range byChain {
		wg.Go(func() {
			t := p.completeChain(ctx, hs[0].Chain, f)
			mu.Lock()
			for _, h := range hs {
				h.Trust = t
			}
			mu.Unlock()
		})
	}
	wg.Wait()
}

// completeChain fetches the missing issuers of chain and verifies again.
func (p *Prober) completeChain(ctx context.Context, chain []*x509.Certificate, f *fetcher) Trust {
	before := p.trust.verify(chain, p.cfg.Roots, p.now())
	var fetchedCerts []*x509.Certificate
	var log []AIAFetch
	last := chain[len(chain)-1]
	for depth := 0; depth < maxAIADepth && len(last.IssuingCertificateURL) > 0; depth++ {
		var next *x509.Certificate
		for _, u := range last.IssuingCertificateURL {
			res := f.get(ctx, u)
			entry := AIAFetch{URL: u}
			var certs []*x509.Certificate
			if res.err != nil {
				entry.Err = res.err.Error()
			} else if certs, res.err = parseCerts(res.body); res.err != nil {
				entry.Err = res.err.Error()
			}
			for _, c := range certs {
				if c.IsCA && last.CheckSignatureFrom(c) == nil {
					next = c
					entry.Subject = dn(c)
					break
				}
			}
			if entry.Err == "" && next == nil {
				entry.Err = "no certificate there issued " + dn(last)
			}
			log = append(log, entry)
			if next != nil {
				break
			}
		}
		if next == nil || selfSigned(next) {
			break // a root comes from the trust store, never from AIA
		}
		fetchedCerts = append(fetchedCerts, next)
		last = next
	}
	if len(fetchedCerts) == 0 {
		before.AIA = log
		return before
	}
	t := verifyChain(append(chain[:len(chain):len(chain)], fetchedCerts...), p.cfg.Roots, p.now())
	t.AIA = log
	if !t.Verified {
		// Still not trusted: report the served chain's reason, with what
		// AIA gave, so the message names the real gap.
		before.AIA = log
		return before
	}
	t.CompletedByAIA = true
	return t
}

// parseCerts reads what a caIssuers URL serves: one DER or PEM
// certificate, or a PKCS #7 certs-only bundle (.p7c, RFC 5280 4.2.2.1).
func parseCerts(b []byte) ([]*x509.Certificate, error) {
	if blk, _ := pem.Decode(b); blk != nil {
		b = blk.Bytes
	}
	if c, err := x509.ParseCertificate(b); err == nil {
		return []*x509.Certificate{c}, nil
	}
	ders, err := pkcs7Certificates(b)
	if err != nil {
		return nil, errors.New("neither a certificate nor a pkcs #7 bundle")
	}
	var out []*x509.Certificate
	for _, d := range ders {
		if c, err := x509.ParseCertificate(d); err == nil {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("a pkcs #7 bundle without certificates")
	}
	return out, nil
}

// pkcs7Certificates returns the certificates of a PKCS #7 SignedData
// (RFC 2315 section 9.1), the form of a certs-only bundle.
func pkcs7Certificates(b []byte) ([][]byte, error) {
	var ci struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue `asn1:"explicit,tag:0"`
	}
	if rest, err := asn1.Unmarshal(b, &ci); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("not pkcs #7: %v", err)
	}
	if !ci.ContentType.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}) {
		return nil, errors.New("not pkcs #7 signed data")
	}
	var sd struct {
		Version          int
		DigestAlgorithms asn1.RawValue
		ContentInfo      asn1.RawValue
		Certificates     asn1.RawValue `asn1:"optional,tag:0"`
		Rest             asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, err
	}
	var out [][]byte
	for rest := sd.Certificates.Bytes; len(rest) > 0; {
		var raw asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &raw); err != nil {
			return nil, err
		}
		out = append(out, raw.FullBytes)
	}
	return out, nil
}

// chainKey identifies a served chain: the SHA-256 of each certificate.
func chainKey(chain []*x509.Certificate) string {
	var b strings.Builder
	for _, c := range chain {
		sum := sha256.Sum256(c.Raw)
		b.Write(sum[:])
	}
	return b.String()
}
