package diag

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// Certificates the directory stores are judged without a connection: the
// internal transport certificate of each server (msExchServerInternalTLSCert,
// KB 953354), the federation trust's certificates and the certificate the
// Auth Configuration names (exchange-ad.md §5).

// Consequences of an expired stored certificate, by what it is for.
const (
	internalTransportHurts = "Exchange uses it for STARTTLS between its own servers and, when no other certificate enabled for SMTP names a connector's FQDN, on the receive connectors: " +
		"STARTTLS stops, and the Microsoft Exchange Transport service logs events 12015 and 12014 (KB 953354)."
	edgeHurts       = "The Edge subscription relies on it: mail between the Edge server and the organisation stops being authenticated and encrypted. Renew it on the Edge server, then subscribe the Edge server again (KB 953354)."
	federationHurts = "Free/busy and calendar sharing with Exchange Online (hybrid) and with other federated organisations stop: the Microsoft Federation Gateway no longer accepts the organisation's delegation tokens."
	authHurts       = "Exchange signs its OAuth tokens with it: hybrid free/busy and mailbox moves with Exchange Online, server-to-server authentication and, from Exchange 2013, OWA and ECP sign-in fail."
)

// storedCertificates judges every certificate the directory stores.
func (j *judge) storedCertificates() {
	for i := range j.in.Org.Servers {
		j.internalTransportCert(&j.in.Org.Servers[i])
	}
	for _, ft := range j.in.Org.FederationTrusts {
		for _, sc := range ft.Certificates {
			c, err := x509.ParseCertificate(sc.DER)
			if err != nil || sc.Role == "previous" {
				continue // the previous certificate is kept only to be removed
			}
			src := inventory.Source{Origin: j.originOf(), Service: inventory.ServiceFederationTrust, Object: ft.Name, DN: ft.DN, Attribute: sc.Attribute}
			j.stored = append(j.stored, StoredCertificate{Role: "federation (" + sc.Role + ")", Source: src, Cert: NewCertInfo(c)})
			which := fmt.Sprintf("the %s federation certificate of the federation trust %s (%s, thumbprint %s, read from the directory: %s)", sc.Role, ft.Name, subjectName(c), Thumbprint(c), sc.Attribute)
			j.storedValidity(c, src, ft.Name, which, federationHurts)
		}
	}
	j.authCertificate()
}

// internalTransportCert judges a server's published internal transport
// certificate: its dates and key, and whether the server presents it where
// only Exchange servers connect. Exchange's own self-signed certificate is
// what setup publishes there, by design: it is never a finding for that.
func (j *judge) internalTransportCert(s *inventory.Server) {
	if len(s.InternalTransportCert) == 0 {
		return
	}
	c, err := x509.ParseCertificate(s.InternalTransportCert)
	if err != nil {
		return // the reader noted it
	}
	role, what, hurts := "internal transport", "the internal transport certificate of "+s.Name, internalTransportHurts
	if s.Roles.Has(inventory.RoleEdge) {
		role, what, hurts = "Edge subscription", "the Edge subscription certificate of "+s.Name, edgeHurts
	}
	src := inventory.Source{Origin: j.originOf(), Service: inventory.ServiceInternalTransport, Server: s.Name, Object: s.Name, DN: s.DN, Attribute: "msExchServerInternalTLSCert"}
	j.stored = append(j.stored, StoredCertificate{Role: role, Source: src, Cert: NewCertInfo(c)})
	host := serverHost(s)
	which := fmt.Sprintf("%s (%s, thumbprint %s, read from the directory: msExchServerInternalTLSCert)", what, subjectName(c), Thumbprint(c))
	// When the server no longer presents the published copy, enabling what
	// it presents publishes that one instead, which settles the copy's
	// dates as well: one fix, not two that contradict each other.
	if !j.compareServed(s, c, src) {
		j.storedValidity(c, src, host, which, hurts)
	}
	if bits, ok := rsaBits(c); ok && bits < minRSABits {
		j.addOrg(Finding{Code: catalog.CertWeakKey, Severity: Warning, Host: host, Thumbprint: Thumbprint(c), Sources: []inventory.Source{src},
			Message: fmt.Sprintf("%s has a %d-bit RSA key. Only Exchange servers use it, so no client refuses it, but keys under %d bits can be broken: renew it with a 2048-bit key.",
				capitalize(which), bits, minRSABits)})
	}
}

// compareServed compares the published internal transport certificate
// with what the server presents where only Exchange servers connect (the
// back end's 2525 and 465, the front end's 717, from Exchange 2013) or, on
// older servers, a self-signed certificate on an SMTP connector (Exchange
// gives a connector the internal transport certificate when no certificate
// enabled for SMTP names its FQDN). Enable-ExchangeCertificate -Services
// SMTP, answered Yes, writes the published copy; an Edge subscription
// takes the certificate from there. It reports whether they differ.
func (j *judge) compareServed(s *inventory.Server, published *x509.Certificate, src inventory.Source) bool {
	want := Thumbprint(published)
	own := j.ownedBy(s.Name)
	exchangeOnly := slices.ContainsFunc(own, func(eo probe.EndpointObservation) bool { return eo.Endpoint.Peer == inventory.PeerExchange })
	differ := false
	for _, eo := range own {
		e := eo.Endpoint
		if e.Source.Service != inventory.ServiceSMTP {
			continue
		}
		hs := j.in.Obs.Handshakes[eo.Handshake]
		if hs == nil || len(hs.Chain) == 0 {
			continue
		}
		leaf := hs.Chain[0]
		if exchangeOnly && e.Peer != inventory.PeerExchange || !exchangeOnly && !SelfSigned(leaf) || Thumbprint(leaf) == want {
			continue
		}
		f := Finding{Code: catalog.InternalTransportMismatch, Severity: Warning, Host: eo.Target.Host, Address: hostOf(hs.Key.Address), Thumbprint: Thumbprint(leaf),
			Sources: []inventory.Source{src}}
		f.Message = fmt.Sprintf("%s presents certificate %s (%s, expires %s) at %s, where Exchange presents its internal transport certificate, but the internal transport certificate "+
			"published in the directory (msExchServerInternalTLSCert) is %s (%s, expires %s): Exchange writes that copy when a certificate is enabled for SMTP as the default "+
			"SMTP certificate, and Edge subscriptions take it from there. Enable the certificate the server should use for SMTP again, so the two agree.",
			s.Name, Thumbprint(leaf), subjectName(leaf), day(leaf.NotAfter), hs.Key.Address, want, subjectName(published), day(published.NotAfter))
		j.add(f, want, eo)
		differ = true
	}
	return differ
}

// serverHost is the name findings about a server are listed under.
func serverHost(s *inventory.Server) string {
	if s.FQDN != "" {
		return strings.ToLower(s.FQDN)
	}
	return strings.ToLower(s.Name)
}

// storedValidity judges the dates of a stored certificate. When the server
// whose object stores it serves the same certificate with the same
// problem, the served finding gains the directory as a source instead, so
// one renewal is proposed, not two.
func (j *judge) storedValidity(c *x509.Certificate, src inventory.Source, host, which, hurts string) {
	now := j.in.Now
	f := Finding{Host: host, Thumbprint: Thumbprint(c), Sources: []inventory.Source{src}}
	switch {
	case now.After(c.NotAfter):
		f.Code, f.Severity = catalog.CertExpired, Error
		f.Message = fmt.Sprintf("%s expired on %s (%s ago). %s", capitalize(which), day(c.NotAfter), days(c.NotAfter, now), hurts)
	case now.Before(c.NotBefore):
		f.Code, f.Severity = catalog.CertNotYetValid, Error
		f.Message = fmt.Sprintf("%s is valid only from %s (in %s): check the clock of the server that made it. %s", capitalize(which), day(c.NotBefore), days(now, c.NotBefore), hurts)
	case c.NotAfter.Sub(now) < time.Duration(j.in.WarnDays)*24*time.Hour:
		f.Code, f.Severity = catalog.CertExpiring, Warning
		f.Message = fmt.Sprintf("%s expires on %s, in %s. Renew it before then: %s", capitalize(which), day(c.NotAfter), days(now, c.NotAfter), hurts)
	default:
		return
	}
	if src.Server != "" {
		for i := range j.findings {
			g := &j.findings[i]
			if g.Code != f.Code || g.Thumbprint != f.Thumbprint || g.Address == "" || !hasServer(g.Sources, src.Server) {
				continue
			}
			s := src
			if _, added := j.seenSource[i].Add(&s); added {
				g.Sources = append(g.Sources, src)
				g.Message += fmt.Sprintf(" It is %s, so exdiag sees it in the directory too. %s", which, hurts)
			}
			return
		}
	}
	j.addOrg(f)
}

func hasServer(srcs []inventory.Source, server string) bool {
	for _, s := range srcs {
		if strings.EqualFold(s.Server, server) {
			return true
		}
	}
	return false
}

// authCertificate judges the certificate the Auth Configuration names.
// The directory holds only its thumbprint: exdiag judges it when a server
// served it or the directory stores it, and otherwise says it cannot.
func (j *judge) authCertificate() {
	ac := j.in.Org.AuthConfig
	if ac == nil {
		return
	}
	src := inventory.Source{Origin: j.originOf(), Service: inventory.ServiceAuthConfig, Object: "Auth Configuration", DN: ac.DN, Attribute: "msExchAuthCertificateThumbprint"}
	for _, t := range []struct{ role, thumb string }{{"current", ac.Current}, {"next", ac.Next}} {
		thumb := NormalizeThumbprint(t.thumb)
		if thumb == "" {
			continue
		}
		if c := j.knownCertificate(thumb); c != nil {
			which := fmt.Sprintf("the %s OAuth certificate of the Auth Configuration (%s, thumbprint %s)", t.role, subjectName(c), thumb)
			j.storedValidity(c, src, "Auth Configuration", which, authHurts)
			continue
		}
		j.addOrg(Finding{Code: catalog.AuthCertUnknown, Severity: Info, Host: "Auth Configuration", Thumbprint: thumb, Sources: []inventory.Source{src},
			Message: fmt.Sprintf("The Auth Configuration names %s as its %s OAuth certificate. No server served it and the directory does not store it, so exdiag cannot tell "+
				"whether it is still there or when it expires: Exchange keeps it in each server's certificate store, which exdiag cannot read. %s Check its expiry on a server.",
				thumb, t.role, authHurts)})
	}
}

// knownCertificate finds a certificate by thumbprint among those served in
// the run and those the directory stores.
func (j *judge) knownCertificate(thumb string) *x509.Certificate {
	for _, hs := range j.in.Obs.Handshakes {
		if hs != nil && len(hs.Chain) > 0 && Thumbprint(hs.Chain[0]) == thumb {
			return hs.Chain[0]
		}
	}
	for _, s := range j.in.Org.Servers {
		if c, err := x509.ParseCertificate(s.InternalTransportCert); err == nil && Thumbprint(c) == thumb {
			return c
		}
	}
	for _, ft := range j.in.Org.FederationTrusts {
		for _, sc := range ft.Certificates {
			if c, err := x509.ParseCertificate(sc.DER); err == nil && Thumbprint(c) == thumb {
				return c
			}
		}
	}
	return nil
}

// ownedBy lists the endpoints of server; heldBy those of the object at dn.
// Both come from one index built once, so that rules that look at each
// server's or connector's endpoints stay linear in the organisation's size.
func (j *judge) ownedBy(server string) []probe.EndpointObservation {
	return j.indexed(j.owners().byServer[strings.ToLower(server)])
}

func (j *judge) heldBy(dn string) []probe.EndpointObservation {
	return j.indexed(j.owners().byDN[dn])
}

// ownerIndex indexes endpoints by lower-case owning server and by the DN
// of the object holding them. Its keys are the endpoints' own strings (one
// lower-cased copy per server): 65,000 endpoints of 5,000 servers would
// otherwise copy each DN into a key.
type ownerIndex struct {
	byServer, byDN map[string][]int
}

func (j *judge) owners() *ownerIndex {
	if j.ownerIndex != nil {
		return j.ownerIndex
	}
	ix := &ownerIndex{byServer: map[string][]int{}, byDN: map[string][]int{}}
	lower := map[string]string{}
	for i, eo := range j.in.Obs.Endpoints {
		if eo.ParseErr != nil {
			continue
		}
		if s := eo.Endpoint.Source.Server; s != "" {
			l, ok := lower[s]
			if !ok {
				l = strings.ToLower(s)
				lower[s] = l
			}
			ix.byServer[l] = append(ix.byServer[l], i)
		}
		if dn := eo.Endpoint.Source.DN; dn != "" {
			ix.byDN[dn] = append(ix.byDN[dn], i)
		}
	}
	j.ownerIndex = ix
	return ix
}

func (j *judge) indexed(idx []int) []probe.EndpointObservation {
	out := make([]probe.EndpointObservation, len(idx))
	for n, i := range idx {
		out[n] = j.in.Obs.Endpoints[i]
	}
	return out
}
