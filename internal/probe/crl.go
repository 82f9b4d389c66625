package probe

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/crypto/ocsp"
)

// parsedCRL is a CRL as fetched once and indexed by serial number.
type parsedCRL struct {
	crl     *x509.RevocationList
	revoked map[string]x509.RevocationListEntry
	err     error // why there is no usable CRL
}

type crlCall struct {
	done chan struct{}
	crl  parsedCRL
}

// crlCache parses each CRL once however many certificates point at it:
// an enterprise CRL holds thousands of entries.
type crlCache struct {
	mu   sync.Mutex
	m    map[string]*crlCall
	sigs map[string]error // CRL URL and issuer DER: the signature check's result
}

// signedBy checks the CRL at rawURL against issuer once: an organisation's
// servers share a handful of issuers, and each check is a public-key
// operation.
func (c *crlCache) signedBy(rawURL string, crl *x509.RevocationList, issuer *x509.Certificate) error {
	key := rawURL + "\x00" + string(issuer.Raw)
	c.mu.Lock()
	err, ok := c.sigs[key]
	c.mu.Unlock()
	if ok {
		return err
	}
	err = crl.CheckSignatureFrom(issuer)
	c.mu.Lock()
	if c.sigs == nil {
		c.sigs = map[string]error{}
	}
	c.sigs[key] = err
	c.mu.Unlock()
	return err
}

func (c *crlCache) get(key string, load func() parsedCRL) parsedCRL {
	c.mu.Lock()
	call, ok := c.m[key]
	if !ok {
		call = &crlCall{done: make(chan struct{})}
		c.m[key] = call
		c.mu.Unlock()
		call.crl = load()
		close(call.done)
		return call.crl
	}
	c.mu.Unlock()
	<-call.done
	return call.crl
}

// crlSource asks one CRL distribution point about cert.
func (p *Prober) crlSource(ctx context.Context, f *fetcher, cache *crlCache, rawURL string, cert, issuer *x509.Certificate) RevocationSource {
	src := RevocationSource{Kind: RevocationCRL, URL: rawURL, Internal: p.sourceInternal(rawURL)}
	crl := cache.get(rawURL, func() parsedCRL { return p.loadCRL(ctx, f, rawURL) })
	if crl.err != nil {
		src.State, src.Detail = RevocationUnavailable, crl.err.Error()
		var e crlError
		if errors.As(crl.err, &e) {
			src.State = e.state
		}
		return src
	}
	if issuer == nil {
		src.State, src.Detail = RevocationInvalid, "the certificate's issuer is not known, so the CRL's signature cannot be checked"
		return src
	}
	if err := cache.signedBy(rawURL, crl.crl, issuer); err != nil {
		src.State, src.Detail = RevocationInvalid, "the CRL is not signed by the certificate's issuer "+dn(issuer)
		return src
	}
	if now := p.now(); !crl.crl.NextUpdate.IsZero() && now.After(crl.crl.NextUpdate) {
		src.State = RevocationStale
		src.Detail = fmt.Sprintf("the CRL expired on %s (nextUpdate): the CA has not published a new one", crl.crl.NextUpdate.UTC().Format("2006-01-02 15:04 MST"))
		return src
	}
	if e, ok := crl.revoked[cert.SerialNumber.String()]; ok {
		src.State, src.RevokedAt, src.Reason = RevocationRevoked, e.RevocationTime.UTC(), e.ReasonCode
		src.Detail = "listed in the CRL"
		return src
	}
	src.State = RevocationGood
	return src
}

// crlError carries the state a failure to load a CRL stands for.
type crlError struct {
	state RevocationState
	msg   string
}

func (e crlError) Error() string { return e.msg }

// loadCRL fetches and parses one CRL: over HTTP, or from the directory for
// an ldap:/// distribution point (Config.DirectoryCRLs).
func (p *Prober) loadCRL(ctx context.Context, f *fetcher, rawURL string) parsedCRL {
	var der []byte
	u, err := url.Parse(rawURL)
	switch {
	case err != nil:
		return parsedCRL{err: crlError{RevocationInvalid, "not a url"}}
	case strings.EqualFold(u.Scheme, "ldap"):
		dn := strings.ToLower(strings.TrimPrefix(u.Path, "/"))
		var ok bool
		if der, ok = p.cfg.DirectoryCRLs[dn]; !ok {
			return parsedCRL{err: crlError{RevocationNotRead, "an ldap distribution point, which only domain members read; exdiag read no CRL there from the directory"}}
		}
	default:
		res := f.get(ctx, rawURL)
		if res.err != nil {
			return parsedCRL{err: crlError{RevocationUnavailable, res.err.Error()}}
		}
		der = res.body
	}
	if blk, _ := pem.Decode(der); blk != nil {
		der = blk.Bytes
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return parsedCRL{err: crlError{RevocationInvalid, "what came back is not a crl"}}
	}
	idx := make(map[string]x509.RevocationListEntry, len(crl.RevokedCertificateEntries))
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber != nil {
			idx[e.SerialNumber.String()] = e
		}
	}
	return parsedCRL{crl: crl, revoked: idx}
}

// ocspSource asks one OCSP responder about cert (RFC 6960, over HTTP POST).
func (p *Prober) ocspSource(ctx context.Context, f *fetcher, rawURL string, cert, issuer *x509.Certificate) RevocationSource {
	src := RevocationSource{Kind: RevocationOCSP, URL: rawURL, Internal: p.sourceInternal(rawURL)}
	if issuer == nil {
		src.State, src.Detail = RevocationInvalid, "the certificate's issuer is not known, so no ocsp request can be made"
		return src
	}
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: crypto.SHA1})
	if err != nil {
		src.State, src.Detail = RevocationInvalid, "no ocsp request can be made: "+err.Error()
		return src
	}
	res := f.post(ctx, rawURL, "application/ocsp-request", req)
	if res.err != nil {
		src.State, src.Detail = RevocationUnavailable, res.err.Error()
		return src
	}
	resp, err := ocsp.ParseResponseForCert(res.body, cert, issuer)
	var refused ocsp.ResponseError
	switch {
	case errors.As(err, &refused):
		src.State, src.Detail = RevocationUnavailable, "the responder answered "+strings.ToLower(refused.Error())
		return src
	case err != nil:
		src.State, src.Detail = RevocationInvalid, "not a valid ocsp answer signed for this certificate's issuer"
		return src
	}
	switch {
	case !resp.NextUpdate.IsZero() && p.now().After(resp.NextUpdate):
		src.State, src.Detail = RevocationStale, "the ocsp answer expired on "+resp.NextUpdate.UTC().Format("2006-01-02 15:04 MST")
	case resp.Status == ocsp.Revoked:
		src.State, src.RevokedAt, src.Reason = RevocationRevoked, resp.RevokedAt.UTC(), resp.RevocationReason
		src.Detail = "the ocsp responder says revoked"
	case resp.Status == ocsp.Good:
		src.State = RevocationGood
	default:
		src.State, src.Detail = RevocationUnknown, "the ocsp responder does not know this certificate"
	}
	return src
}
