package remedy

import (
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

// connectorCert points a connector's TlsCertificateName at the certificate
// its servers actually serve (KB 2989382), enabling it for SMTP first where
// they do not serve it on SMTP yet; for a send connector whose FQDN the
// named certificate does not cover, it moves the FQDN to a name it covers.
func (r *remedier) connectorCert(f *diag.Finding) []diag.Fix {
	if len(f.Sources) == 0 || r.in.Org == nil {
		return nil
	}
	src := f.Sources[0]
	var cmdlet, identity, fqdn string
	var servers []string
	switch src.Service {
	case inventory.ServiceSMTP:
		i := slices.IndexFunc(r.in.Org.ReceiveConnectors, func(rc inventory.ReceiveConnector) bool { return rc.DN == src.DN })
		if i < 0 {
			return nil
		}
		rc := r.in.Org.ReceiveConnectors[i]
		cmdlet, identity, fqdn, servers = "Set-ReceiveConnector", rc.Server+`\`+rc.Name, rc.FQDN, []string{rc.Server}
	case inventory.ServiceSendConnector:
		i := slices.IndexFunc(r.in.Org.SendConnectors, func(sc inventory.SendConnector) bool { return sc.DN == src.DN })
		if i < 0 {
			return nil
		}
		sc := r.in.Org.SendConnectors[i]
		cmdlet, identity, fqdn, servers = "Set-SendConnector", sc.Name, sc.FQDN, sc.SourceServers
		if f.Severity == diag.Warning {
			return r.sendConnectorFQDN(sc, r.certs[f.Thumbprint])
		}
	default:
		return nil
	}
	owner := ""
	if len(servers) > 0 {
		owner = servers[0]
	}
	t := r.target(owner)
	cand, onSMTP := r.connectorCandidate(servers, fqdn)
	if cand == nil {
		return []diag.Fix{{Server: owner, Comment: "request a certificate from your CA that covers " + orName(fqdn, "the connector's FQDN") + ", enable it for SMTP on " + orName(strings.Join(servers, ", "), "the server") +
			" (Enable-ExchangeCertificate -Services SMTP)" + keepInternalTransport + "; then point TlsCertificateName at it: " + cmdlet + " -Identity '" + identity +
			"' -TlsCertificateName '<I>issuer<S>subject', with the Issuer and Subject Get-ExchangeCertificate shows"}}
	}
	var fixes []diag.Fix
	for _, s := range servers {
		if onSMTP[strings.ToLower(s)] {
			continue
		}
		st := r.target(s)
		c := st.certCommand("Enable-ExchangeCertificate").arg("Thumbprint", cand.Thumbprint).raw("-Services SMTP")
		if c.err == nil {
			fixes = append(fixes, st.fix(st.where("")+": enable "+cand.Thumbprint+" ("+cand.CommonName+") for SMTP (import it first if the server lacks it)"+keepInternalTransport, c))
		}
	}
	if !t.modern() && t.version.Known() {
		return append(fixes, diag.Fix{Server: owner, Comment: cmdlet + " -TlsCertificateName exists from Exchange 2013 on; on Exchange " + t.product() +
			" clear the value with ADSI Edit (msExchSmtpTLSCertificate on the connector) so that Exchange picks the certificate by the connector's FQDN"})
	}
	c := newCommand(cmdlet).arg("Identity", identity).arg("TlsCertificateName", cand.TLSCertificateName)
	if c.err != nil {
		return fixes
	}
	return append(fixes, diag.Fix{Comment: "point TlsCertificateName at " + cand.Thumbprint + " (" + cand.CommonName + ", valid until " + cand.NotAfter.Format("2006-01-02") +
		"), the certificate " + orName(strings.Join(servers, ", "), "the server") + " serves (KB 2989382)", Shell: "powershell", Command: c.String(), Server: owner})
}

// connectorCandidate is the certificate a connector should name: one its
// servers serve that is from a CA, valid and covers fqdn, preferring one
// they already serve on SMTP, then the longest valid. onSMTP says which
// servers serve it on SMTP.
func (r *remedier) connectorCandidate(servers []string, fqdn string) (*diag.CertInfo, map[string]bool) {
	mine := func(s string) bool {
		return len(servers) == 0 || slices.ContainsFunc(servers, func(x string) bool { return strings.EqualFold(x, s) })
	}
	var best *diag.CertInfo
	bestSMTP := false
	for i := range r.rep.Endpoints {
		ep := &r.rep.Endpoints[i]
		if len(ep.Chain) == 0 || !mine(ep.Source.Server) {
			continue
		}
		c := &ep.Chain[0]
		if c.SelfSigned || !c.NotAfter.After(r.rep.GeneratedAt) || fqdn != "" && !certCovers(c, fqdn) {
			continue
		}
		smtp := ep.Scheme == "smtp"
		if best == nil || smtp && !bestSMTP || smtp == bestSMTP && c.NotAfter.After(best.NotAfter) {
			best, bestSMTP = c, smtp
		}
	}
	onSMTP := map[string]bool{}
	if best != nil {
		for _, ep := range r.rep.Endpoints {
			if ep.Scheme == "smtp" && ep.Leaf == best.Thumbprint {
				onSMTP[strings.ToLower(ep.Source.Server)] = true
			}
		}
	}
	return best, onSMTP
}

// sendConnectorFQDN moves a send connector's FQDN to a name the
// certificate it names covers.
func (r *remedier) sendConnectorFQDN(sc inventory.SendConnector, cert *diag.CertInfo) []diag.Fix {
	if cert == nil {
		return nil
	}
	name := ""
	for _, n := range append([]string{cert.CommonName}, cert.SANs...) {
		if n != "" && strings.Contains(n, ".") && !strings.Contains(n, "*") && certCovers(cert, n) {
			name = strings.ToLower(n)
			break
		}
	}
	owner := ""
	if len(sc.SourceServers) > 0 {
		owner = sc.SourceServers[0]
	}
	if name == "" {
		return []diag.Fix{{Server: owner, Comment: "the certificate names no host exactly: request one that covers " + sc.FQDN + " and point TlsCertificateName at it"}}
	}
	c := newCommand("Set-SendConnector").arg("Identity", sc.Name).arg("Fqdn", name)
	if c.err != nil {
		return nil
	}
	return []diag.Fix{{Comment: "announce a name the certificate covers (" + cert.CommonName + ")", Shell: "powershell", Command: c.String(), Server: owner}}
}

func orName(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
