package diag

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// A connector's TlsCertificateName (msExchSmtpTLSCertificate) pins the
// certificate it uses by issuer and subject. A renewal from another CA or
// with another subject leaves it naming a certificate the server no longer
// has: the receive connector stops offering STARTTLS and hybrid mail from
// Exchange Online stops (KB 2989382); a send connector such as "Outbound to
// Office 365" cannot present the certificate Exchange Online expects.

// kb2989382 is what happens after a renewal when TlsCertificateName is not
// updated.
const kb2989382 = "After a certificate renewal, TlsCertificateName still names the old certificate: Exchange no longer finds it, stops offering STARTTLS on the connector and logs event 12014, " +
	"and mail from Exchange Online in a hybrid deployment, and from partners that require TLS, stops (KB 2989382)."

// receiveConnectors compares each receive connector's TlsCertificateName
// with what its endpoints serve.
func (j *judge) receiveConnectors() {
	for _, rc := range j.in.Org.ReceiveConnectors {
		if rc.TLSCertificateName == "" || !rc.Enabled {
			continue
		}
		src := inventory.Source{Origin: j.originOf(), Service: inventory.ServiceSMTP, Server: rc.Server, Object: rc.Name, DN: rc.DN,
			Attribute: "msExchSmtpTLSCertificate", Value: rc.TLSCertificateName}
		name := rc.Server + `\` + rc.Name
		if _, _, ok := ad.ParseTLSCertificateName(rc.TLSCertificateName); !ok {
			j.addOrg(Finding{Code: catalog.ConnectorCertMismatch, Severity: Error, Host: strings.ToLower(rc.FQDN), Sources: []inventory.Source{src},
				Message: fmt.Sprintf("The TlsCertificateName of the receive connector %s, %q, is not of the form <I>issuer<S>subject: Exchange finds no certificate by it. %s", name, rc.TLSCertificateName, kb2989382)})
			continue
		}
		for _, eo := range j.heldBy(rc.DN) {
			hs := j.ownHandshake(rc.Server, eo)
			if hs == nil {
				continue
			}
			f := Finding{Code: catalog.ConnectorCertMismatch, Severity: Error, Host: eo.Target.Host, Address: hostOf(hs.Key.Address), Sources: []inventory.Source{src}}
			switch {
			case len(hs.Chain) > 0 && ad.NamesCertificate(rc.TLSCertificateName, hs.Chain[0]):
				leaf := hs.Chain[0]
				if !j.in.Now.After(leaf.NotAfter) {
					continue
				}
				f.Thumbprint = Thumbprint(leaf)
				f.Message = fmt.Sprintf("The receive connector %s names its certificate in TlsCertificateName (%s), and that certificate, served at %s, expired on %s: "+
					"renew it, and point TlsCertificateName at the new one if its issuer or subject differ. %s", name, rc.TLSCertificateName, hs.Key.Address, day(leaf.NotAfter), kb2989382)
			case len(hs.Chain) > 0:
				leaf := hs.Chain[0]
				f.Thumbprint = Thumbprint(leaf)
				f.Message = fmt.Sprintf("The receive connector %s names its certificate in TlsCertificateName as %s, but %s serves %s (%s, issued by %s). %s",
					name, rc.TLSCertificateName, hs.Key.Address, Thumbprint(leaf), subjectName(leaf), ad.WindowsName(leaf.RawIssuer), kb2989382)
			case hs.Err != nil && hs.Err.Kind == probe.ErrStartTLSMissing:
				f.Message = fmt.Sprintf("The receive connector %s does not offer STARTTLS at %s, and its TlsCertificateName names %s: when the server has no certificate with that issuer and subject, "+
					"Exchange stops offering STARTTLS. %s", name, hs.Key.Address, rc.TLSCertificateName, kb2989382)
			default:
				continue // not reached: nothing to compare
			}
			j.add(f, rc.DN, eo)
		}
	}
}

// sendConnectors compares each send connector's TlsCertificateName with
// the certificates its source servers present, and its FQDN with the
// certificate it names: Exchange Online and partners that check the
// certificate compare it with the name the server announces.
func (j *judge) sendConnectors() {
	for _, sc := range j.in.Org.SendConnectors {
		if sc.TLSCertificateName == "" || !sc.Enabled {
			continue
		}
		src := inventory.Source{Origin: j.originOf(), Service: inventory.ServiceSendConnector, Object: sc.Name, DN: sc.DN,
			Attribute: "msExchSmtpTLSCertificate", Value: sc.TLSCertificateName}
		// Listed under the connector's name: it is no host clients connect to.
		f := Finding{Code: catalog.ConnectorCertMismatch, Severity: Error, Host: sc.Name, Sources: []inventory.Source{src}}
		via := strings.Join(sc.SourceServers, ", ")
		if via == "" {
			via = "the organisation's servers"
		}
		if _, _, ok := ad.ParseTLSCertificateName(sc.TLSCertificateName); !ok {
			f.Message = fmt.Sprintf("The TlsCertificateName of the send connector %s, %q, is not of the form <I>issuer<S>subject: Exchange finds no certificate by it.", sc.Name, sc.TLSCertificateName)
			j.addOrg(f)
			continue
		}
		named, seen := j.namedBy(sc)
		switch {
		case named == nil && seen == 0:
			continue // no source server answered: nothing to compare
		case named == nil:
			f.Message = fmt.Sprintf("The send connector %s names its certificate in TlsCertificateName as %s, but none of its source servers (%s) presents a certificate with that issuer and subject on SMTP or HTTPS. "+
				"After a renewal from another CA or with another subject, Exchange finds no such certificate and cannot present the one Exchange Online (or the partner) expects: hybrid mail to it queues.",
				sc.Name, sc.TLSCertificateName, via)
		case j.in.Now.After(named.NotAfter):
			f.Thumbprint = Thumbprint(named)
			f.Message = fmt.Sprintf("The send connector %s names its certificate in TlsCertificateName (%s), and that certificate (%s) expired on %s: renew it and point TlsCertificateName at the new one.",
				sc.Name, sc.TLSCertificateName, Thumbprint(named), day(named.NotAfter))
		case sc.FQDN != "" && MatchHost(named, sc.FQDN) == NoMatch:
			f.Severity, f.Thumbprint = Warning, Thumbprint(named)
			f.Message = fmt.Sprintf("The send connector %s announces %s (its FQDN), but the certificate its TlsCertificateName names (%s, %s) covers %s, not %s: "+
				"Exchange Online and partners that check the certificate against the name the server announces refuse it.",
				sc.Name, sc.FQDN, Thumbprint(named), subjectName(named), quotedList(CoveredNames(named)), sc.FQDN)
		default:
			continue
		}
		j.addOrg(f)
	}
}

// namedBy finds the certificate a send connector's TlsCertificateName
// names among those its source servers present (the newest when several
// match), and counts the certificates seen from them.
func (j *judge) namedBy(sc inventory.SendConnector) (*x509.Certificate, int) {
	var named *x509.Certificate
	seen := 0
	var eos []probe.EndpointObservation
	for _, s := range sc.SourceServers {
		eos = append(eos, j.ownedBy(s)...)
	}
	if len(sc.SourceServers) == 0 {
		eos = j.in.Obs.Endpoints // sent through by every server
	}
	for _, eo := range eos {
		if eo.ParseErr != nil || eo.Endpoint.Source.Server == "" {
			continue
		}
		hs := j.in.Obs.Handshakes[eo.Handshake]
		if hs == nil || len(hs.Chain) == 0 {
			continue
		}
		seen++
		if leaf := hs.Chain[0]; ad.NamesCertificate(sc.TLSCertificateName, leaf) && (named == nil || leaf.NotAfter.After(named.NotAfter)) {
			named = leaf
		}
	}
	return named, seen
}

// ownHandshake is what server itself answered for an endpoint: the probe
// of its own address when the name is shared by several servers (a load
// balancer may have sent the endpoint's own handshake to another one).
func (j *judge) ownHandshake(server string, eo probe.EndpointObservation) *probe.Handshake {
	if j.serverProbes == nil {
		j.serverProbes = map[string][]int{}
		for i, so := range j.in.Obs.Servers {
			k := strings.ToLower(so.Server)
			j.serverProbes[k] = append(j.serverProbes[k], i)
		}
	}
	for _, i := range j.serverProbes[strings.ToLower(server)] {
		so := j.in.Obs.Servers[i]
		if so.Host == eo.Target.Host && so.Port == eo.Target.Port && so.StartTLS == eo.Target.StartTLS && !so.Handshake.Zero() {
			if hs := j.in.Obs.Handshakes[so.Handshake]; hs != nil {
				return hs
			}
		}
	}
	return j.in.Obs.Handshakes[eo.Handshake]
}
