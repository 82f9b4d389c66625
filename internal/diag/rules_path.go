package diag

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/probe"
)

// clientPath returns the certificates clients validate for a handshake,
// leaf first, and the certificates the server sent that no verified path
// uses. Clients do not judge every certificate a server sends: they build
// a path from the leaf to a root they trust and judge that path (RFC 5280
// §6.1; RFC 4158 on path building). When the chain verified, the path is
// the verified path a client would pick; when it did not, no path is known
// and the whole served chain is judged, as before.
func clientPath(hs *probe.Handshake, now time.Time) (path, extra []*x509.Certificate) {
	chains := hs.Trust.Chains
	if len(chains) == 0 && len(hs.Trust.Chain) > 0 {
		chains = [][]*x509.Certificate{hs.Trust.Chain}
	}
	if !hs.Trust.Verified || len(chains) == 0 {
		return hs.Chain, nil
	}
	path = bestPath(chains, now)
	for _, c := range hs.Chain[1:] {
		if !slices.ContainsFunc(chains, func(ch []*x509.Certificate) bool { return containsCert(ch, c) }) &&
			!containsCert(extra, c) {
			extra = append(extra, c)
		}
	}
	return path, extra
}

// bestPath picks the verified path with the fewest problems, the first of
// equals. Windows' chain engine builds every path it can and keeps the one
// of best quality (time-valid, trusted, strongest signatures), and Apple's
// trustd and Android's chain builder likewise try alternatives before
// failing, so a bad path is only a problem when no good one exists.
func bestPath(chains [][]*x509.Certificate, now time.Time) []*x509.Certificate {
	best, bestScore := chains[0], -1
	for _, ch := range chains {
		score := 0
		for i, c := range ch {
			score += len(certProblems(c, now, i == len(ch)-1))
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = ch, score
		}
	}
	return best
}

func containsCert(list []*x509.Certificate, c *x509.Certificate) bool {
	return slices.ContainsFunc(list, func(o *x509.Certificate) bool { return bytes.Equal(o.Raw, c.Raw) })
}

// certProblems lists, in words, what clients reject in one certificate
// whatever path it is on: validity, unknown critical extensions, broken or
// deprecated signature algorithms and weak RSA keys. anchor marks a trust
// anchor, whose signature and extensions clients do not judge (RFC 5280 §6.1).
func certProblems(c *x509.Certificate, now time.Time, anchor bool) []string {
	var out []string
	switch {
	case now.After(c.NotAfter):
		out = append(out, "it expired on "+day(c.NotAfter))
	case now.Before(c.NotBefore):
		out = append(out, "it is valid only from "+day(c.NotBefore))
	}
	if bits, ok := rsaBits(c); ok && bits < minRSABits {
		out = append(out, fmt.Sprintf("it has a %d-bit RSA key", bits))
	}
	if anchor || selfIssued(c) {
		return out
	}
	if _, name, weak := weakSignature(c.SignatureAlgorithm); weak {
		out = append(out, "it is signed with "+name)
	}
	if len(c.UnhandledCriticalExtensions) > 0 {
		out = append(out, "it has a critical extension clients do not know ("+oidList(c)+")")
	}
	return out
}

// pathRole names certificate c, at index i of the path clients validate,
// for messages: the leaf served at addr, an intermediate addr sent, or the
// root (or CA) from the client's trust store that the chain leads to.
func pathRole(hs *probe.Handshake, c *x509.Certificate, i int, addr string) string {
	switch {
	case i == 0:
		return fmt.Sprintf("the certificate %s served at %s", subjectName(c), addr)
	case containsCert(hs.Chain, c):
		return fmt.Sprintf("the intermediate certificate %s sent by %s", subjectName(c), addr)
	case selfIssued(c):
		return fmt.Sprintf("the root certificate %s that the chain served at %s leads to", subjectName(c), addr)
	}
	return fmt.Sprintf("the CA certificate %s that the chain served at %s leads to", subjectName(c), addr)
}

// extraCerts reports each certificate the server sends that no verified
// path uses: a warning when something is wrong with it (clients that follow
// the chain as sent may take it), information otherwise (a client that
// trusts other roots may need it, as old devices needed cross-certificates).
func (j *judge) extraCerts(eo probe.EndpointObservation, f Finding, extra []*x509.Certificate, path []*x509.Certificate) {
	for _, c := range extra {
		g := f
		g.Code, g.Severity, g.Thumbprint = catalog.ChainExtraCert, Warning, Thumbprint(c)
		problems := certProblems(c, j.in.Now, false)
		if len(problems) == 0 {
			g.Severity = Info
			g.Message = fmt.Sprintf("%s also sends the certificate %s (issued by %s), which no path to a root trusted here uses: "+
				"clients build %s. Nothing is wrong with it, and a client that trusts other roots may need it (a cross-certificate "+
				"kept for old devices); if none does, stop sending it.", f.Address, subjectName(c), issuerName(c), pathNames(path))
			j.add(g, g.Thumbprint, eo)
			continue
		}
		g.Message = fmt.Sprintf("%s sends the certificate %s (issued by %s), which is on no path to a trusted root: %s. "+
			"Windows, Apple platforms and current browsers build the valid path %s and ignore it, but clients that follow "+
			"the chain in the order it is sent (OpenSSL 1.0 and LibreSSL 3.1 and older in appliances, scripts and Linux mail "+
			"clients, older GnuTLS, older Android versions) may build their path through it and fail. Stop sending it: "+
			"Exchange sends the chain Windows builds from the server's own stores, so delete it from the computer's "+
			"Intermediate Certification Authorities store; on a load balancer or reverse proxy, from the chain configured there.",
			f.Address, subjectName(c), issuerName(c), strings.Join(problems, "; "), pathNames(path))
		j.add(g, g.Thumbprint, eo)
	}
}

func issuerName(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return "CN=" + c.Issuer.CommonName
	}
	if s := c.Issuer.String(); s != "" {
		return s
	}
	return "(empty issuer)"
}

// pathNames renders a path as "CN=leaf → CN=issuing CA → CN=root".
func pathNames(path []*x509.Certificate) string {
	names := make([]string, len(path))
	for i, c := range path {
		names[i] = subjectName(c)
	}
	return strings.Join(names, " → ")
}
