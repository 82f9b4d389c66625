package remedy

import (
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

// smtpName fixes a receive connector whose certificate does not cover the
// name it announces. Never with Set-ReceiveConnector -Fqdn: on "Default
// <SERVER>" that breaks internal mail flow between Mailbox servers
// (Set-ReceiveConnector, -Fqdn). Exchange picks a connector's certificate
// among those enabled for SMTP by the connector's FQDN, so the fix is the
// certificate: enable one that covers the name, or request one.
func (r *remedier) smtpName(f *diag.Finding) []diag.Fix {
	var fixes []diag.Fix
	if c := r.coveringCert(f.Host); c != nil {
		fixes = r.bindThumbprint(f, c.Thumbprint, "enable "+c.Thumbprint+" ("+c.CommonName+"), which covers "+f.Host+
			", for SMTP: Exchange gives each connector the certificate that matches its FQDN")
	} else if cert := r.certs[f.Thumbprint]; cert != nil && !cert.SelfSigned {
		fixes = r.newCertificateRequest(f, cert, "request a certificate that also covers "+f.Host+", the name the connector announces")
	} else {
		fixes = []diag.Fix{{Comment: "request a certificate from your CA that covers " + f.Host + ", the name the connector announces, and enable it for SMTP (Enable-ExchangeCertificate -Services SMTP)" + keepInternalTransport}}
	}
	for _, rc := range r.connectorsOf(f) {
		if rc.TLSCertificateName == "" {
			continue
		}
		c := r.coveringCert(f.Host)
		if cmd := newCommand("Set-ReceiveConnector").arg("Identity", rc.Server+`\`+rc.Name); c != nil && r.target(rc.Server).modern() {
			cmd.arg("TlsCertificateName", c.TLSCertificateName)
			if cmd.err == nil {
				fixes = append(fixes, diag.Fix{Server: rc.Server, Comment: rc.Server + `\` + rc.Name + " names its certificate in TlsCertificateName (" + rc.TLSCertificateName +
					"): point it at " + c.Thumbprint + " too (KB 2989382)", Shell: "powershell", Command: cmd.String()})
				continue
			}
		}
		fixes = append(fixes, diag.Fix{Server: rc.Server, Comment: rc.Server + `\` + rc.Name + " names its certificate in TlsCertificateName (" +
			rc.TLSCertificateName + "): point it at the new certificate too, with Set-ReceiveConnector -TlsCertificateName '<I>issuer<S>subject' as Get-ExchangeCertificate shows them"})
	}
	return fixes
}

// coveringCert is a certificate from a CA, served somewhere in the run,
// that covers host.
func (r *remedier) coveringCert(host string) *diag.CertInfo {
	for i := range r.rep.Certificates {
		if c := &r.rep.Certificates[i]; !c.SelfSigned && certCovers(c, host) {
			return c
		}
	}
	return nil
}

// connectorsOf are the receive connectors holding f's URLs.
func (r *remedier) connectorsOf(f *diag.Finding) []inventory.ReceiveConnector {
	if r.in.Org == nil {
		return nil
	}
	var out []inventory.ReceiveConnector
	for _, rc := range r.in.Org.ReceiveConnectors {
		for _, s := range f.Sources {
			if s.Service == inventory.ServiceSMTP && s.DN == rc.DN {
				out = append(out, rc)
				break
			}
		}
	}
	return out
}

// certCovers reports whether a DNS SAN of cert covers host: equal, or a
// wildcard standing for exactly its first label (RFC 6125 section 6.4.3).
func certCovers(cert *diag.CertInfo, host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, n := range cert.SANs {
		n = strings.ToLower(strings.TrimSuffix(n, "."))
		if n == host {
			return true
		}
		if rest, ok := strings.CutPrefix(n, "*."); ok {
			if _, after, found := strings.Cut(host, "."); found && after == rest {
				return true
			}
		}
	}
	return false
}
