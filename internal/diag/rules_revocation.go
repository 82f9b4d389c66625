package diag

import (
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// revocation judges what the chain's CRL distribution points and OCSP
// responders said, as Windows checks after the handshake (real-exchange.md
// §3): a certificate listed as revoked is refused by every client
// (WinINet 12170, "The security certificate has been revoked"); a
// certificate none of whose sources answers makes Outlook on Windows show
// "The revocation information for the security certificate for this site
// is not available" (12057). Mail servers do not check revocation, and a
// certificate naming no source is skipped, as Windows skips it.
func (j *judge) revocation(eo probe.EndpointObservation, f Finding, hs *probe.Handshake) {
	if eo.Endpoint.Peer != inventory.PeerClients || len(j.in.Obs.Revocation) == 0 {
		return
	}
	path := hs.Chain
	if hs.Trust.Verified && len(hs.Trust.Chain) > 0 {
		path = hs.Trust.Chain
	}
	for i, c := range path {
		if SelfSigned(c) {
			break // a root, or a self-signed leaf: nothing to revoke it
		}
		r := j.in.Obs.Revocation[probe.CertKey(c)]
		if r == nil || len(r.Sources) == 0 {
			continue
		}
		which := "the certificate " + subjectName(c)
		if i > 0 {
			which = "the intermediate CA certificate " + subjectName(c)
		}
		g := f
		g.Thumbprint = Thumbprint(c)
		if src, ok := revokedBy(r); ok {
			g.Code, g.Severity = catalog.CertRevoked, Error
			g.Message = fmt.Sprintf("Outlook shows \"The security certificate has been revoked\" and every client refuses it: "+
				"%s served at %s was revoked on %s (%s), says %s. Replace it with a new certificate.",
				which, f.Address, day(src.RevokedAt), reasonText(src.Reason), src.URL)
			j.add(g, g.Thumbprint, eo)
			continue
		}
		var good, goodOutside bool
		for _, s := range r.Sources {
			if s.State == probe.RevocationGood {
				good = true
				goodOutside = goodOutside || !s.Internal
			}
		}
		if goodOutside {
			continue
		}
		g.Code, g.Severity = catalog.RevocationUnavailable, Warning
		tried := sourceList(r.Sources)
		if good {
			g.Message = fmt.Sprintf("Outlook on Windows machines outside the network (laptops without VPN, computers that are "+
				"not domain members) shows \"The revocation information for the security certificate for this site is not "+
				"available\": %s names only revocation sources inside the network (%s). Domain members inside reach them. "+
				"Publish the CRL at an HTTP address clients outside reach too.", which, tried)
		} else {
			g.Message = fmt.Sprintf("Outlook on Windows shows \"The revocation information for the security certificate for "+
				"this site is not available\": no revocation source of %s served at %s gave an answer (%s).",
				which, f.Address, tried)
		}
		j.add(g, g.Thumbprint, eo)
	}
}

// revokedBy returns the first source that says revoked.
func revokedBy(r *probe.CertRevocation) (probe.RevocationSource, bool) {
	for _, s := range r.Sources {
		if s.State == probe.RevocationRevoked {
			return s, true
		}
	}
	return probe.RevocationSource{}, false
}

// sourceList says what each source gave, at most listMax of them.
func sourceList(srcs []probe.RevocationSource) string {
	var parts []string
	for _, s := range srcs {
		p := fmt.Sprintf("%s %s: %s", strings.ToUpper(string(s.Kind)), s.URL, s.State)
		if s.Detail != "" {
			p += " (" + s.Detail + ")"
		}
		parts = append(parts, p)
	}
	return quotedList(parts)
}

// reasonText names an RFC 5280 CRLReason.
func reasonText(code int) string {
	reasons := []string{"unspecified", "key compromise", "CA compromise", "affiliation changed", "superseded",
		"cessation of operation", "certificate hold", "", "remove from CRL", "privilege withdrawn", "AA compromise"}
	if code >= 0 && code < len(reasons) && reasons[code] != "" {
		return "reason: " + reasons[code]
	}
	return fmt.Sprintf("reason code %d", code)
}
