package diag

import (
	"crypto/tls"
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/probe"
)

// Outlook on a machine that is not domain-joined, or outside the network,
// does not read the SCP: it tries https://DOMAIN/autodiscover/autodiscover.xml,
// then https://autodiscover.DOMAIN/…, then the SRV record's target
// (Autodiscover for Exchange; KB 3211279). Whatever answers with a
// certificate that does not cover the name makes Outlook prompt. Nothing
// answering is normal, above all on the bare domain: Outlook moves on.

// outsideEndpoint judges one URL clients outside the domain try and returns
// its report line. Only what clients see in the certificate is judged:
// names, dates and trust. DNS and connection failures are not findings.
func (j *judge) outsideEndpoint(eo probe.EndpointObservation) Endpoint {
	obs := j.in.Obs.Outside
	t := eo.Target
	ep := Endpoint{URL: eo.Endpoint.URL, Scheme: t.Scheme, Host: t.Host, Port: t.Port, Source: &eo.Endpoint.Source}
	if eo.ParseErr != nil {
		ep.Error = eo.ParseErr.Error()
		return ep
	}
	if eo.Handshake.Zero() {
		ep.Error = "no address"
		if r := obs.DNS[t.Host]; r != nil && r.Status != probe.DNSFound {
			ep.Error = "no DNS record (" + string(r.Status) + ")"
		}
		return ep
	}
	ep.Address = eo.Handshake.Address
	hs := obs.Handshakes[eo.Handshake]
	switch {
	case hs == nil:
		ep.Error = "not probed"
		return ep
	case len(hs.Chain) == 0:
		ep.Error = "nothing answered: " + hs.Err.Error()
		return ep
	}
	ep.TLSVersion = tls.VersionName(hs.Version)
	for _, c := range hs.Chain {
		ci := NewCertInfo(c)
		ci.Revocation = revocationOf(obs, c)
		ep.Chain = append(ep.Chain, ci)
	}
	ep.Leaf = ep.Chain[0].Thumbprint
	leaf := hs.Chain[0]
	f := Finding{Host: t.Host, Address: hs.Key.Address, Thumbprint: Thumbprint(leaf)}
	tries := j.outsideStep(eo)
	switch MatchHost(leaf, t.Host) {
	case NoMatch:
		f.Code, f.Severity = catalog.NameMismatch, Error
		f.Message = fmt.Sprintf("%s: the server answering at %s serves a certificate (%s) that covers %s, not %s. Outlook shows \"The name of the security certificate is invalid "+
			"or does not match the name of the site\" at every start%s.", tries, hs.Key.Address, subjectName(leaf), quotedList(CoveredNames(leaf)), t.Host, webSiteNote(eo))
		j.add(f, f.Thumbprint, eo)
	case MatchCNOnly:
		f.Code, f.Severity = catalog.CNOnlyMatch, Warning
		f.Message = fmt.Sprintf("%s: the certificate served at %s names %s only in its subject CN: Outlook on Windows accepts it, Outlook for Mac and phones reject it. "+
			"Reissue it with %s as a DNS SAN.", tries, hs.Key.Address, t.Host, t.Host)
		j.add(f, f.Thumbprint, eo)
	}
	for i, c := range hs.Chain {
		j.validity(eo, f, c, pathRole(hs, c, i, f.Address))
	}
	if !hs.Trust.Verified {
		g := f
		g.Code, g.Severity, g.Cause = catalog.CertUntrusted, Error, string(hs.Trust.Reason)
		g.Message = tries + ": " + untrustedMessage(leaf, hs.Trust)
		j.add(g, string(hs.Trust.Reason)+g.Thumbprint, eo)
	}
	return ep
}

// outsideStep says which step of Outlook's lookup an outside URL is.
func (j *judge) outsideStep(eo probe.EndpointObservation) string {
	domain := strings.ToLower(eo.Endpoint.Source.Object)
	servers := strings.Join(j.in.Obs.Outside.DNSServers, ", ")
	switch host := eo.Target.Host; {
	case host == domain:
		return fmt.Sprintf("Outlook outside the domain (not domain-joined, or away from the network) first tries %s for @%s addresses, and the outside DNS (%s) resolves %s", eo.Endpoint.URL, domain, servers, host)
	case host == "autodiscover."+domain:
		return fmt.Sprintf("Outlook outside the domain tries %s for @%s addresses, and the outside DNS (%s) resolves %s", eo.Endpoint.URL, domain, servers, host)
	}
	return fmt.Sprintf("Outlook outside the domain follows the SRV record _autodiscover._tcp.%s (in the outside DNS, %s) to %s", domain, servers, eo.Endpoint.URL)
}

// webSiteNote explains the usual owner of the bare domain's address.
func webSiteNote(eo probe.EndpointObservation) string {
	if strings.EqualFold(eo.Target.Host, eo.Endpoint.Source.Object) {
		return ": usually the company web site answers on the bare domain, not Exchange, and Outlook asks it first"
	}
	return ""
}
