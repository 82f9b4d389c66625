package remedy

import (
	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

// The fixes of the certificates the directory stores: the internal
// transport certificate (KB 953354), the federation certificate
// ("Renew the federation certificate", Exchange 2013 documentation) and the
// OAuth certificate (CSS-Exchange MonitorExchangeAuthCertificate).

// storedOnly reports a finding about a certificate read from the directory
// and served nowhere in the run, and which directory object it is about.
func storedOnly(f *diag.Finding) (inventory.Service, bool) {
	if len(f.URLs) > 0 || len(f.Sources) == 0 {
		return "", false
	}
	switch s := f.Sources[0].Service; s {
	case inventory.ServiceInternalTransport, inventory.ServiceFederationTrust, inventory.ServiceAuthConfig:
		return s, true
	}
	return "", false
}

// storedFix fixes the dates or key of a certificate the directory stores.
func (r *remedier) storedFix(f *diag.Finding) ([]diag.Fix, bool) {
	svc, ok := storedOnly(f)
	if !ok {
		return nil, false
	}
	switch f.Code {
	case catalog.CertExpired, catalog.CertExpiring, catalog.CertNotYetValid, catalog.CertWeakKey:
	default:
		return nil, false
	}
	cert := r.certs[f.Thumbprint]
	if cert == nil {
		return nil, true
	}
	switch svc {
	case inventory.ServiceFederationTrust:
		return r.renewFederation(f), true
	case inventory.ServiceAuthConfig:
		return []diag.Fix{{Comment: "on an Exchange server with the Mailbox role, in an elevated Exchange Management Shell: download MonitorExchangeAuthCertificate.ps1 " +
			"(Microsoft CSS-Exchange) and run .\\MonitorExchangeAuthCertificate.ps1 -ValidateAndRenewAuthCertificate $true, which makes a new Auth certificate, " +
			"publishes it with Set-AuthConfig and restarts what uses it; answer No when asked to replace the internal transport certificate. " +
			"In a hybrid deployment, run the Hybrid Configuration Wizard again afterwards"}}, true
	}
	if f.Code == catalog.CertNotYetValid {
		return []diag.Fix{{Comment: "check the clock of " + f.Sources[0].Server + ": its internal transport certificate is valid from " + cert.NotBefore.Format("2006-01-02")}}, true
	}
	var fixes []diag.Fix
	for _, src := range f.Sources {
		t := r.target(src.Server)
		srv := r.server(src.Server)
		switch {
		case srv != nil && srv.Roles.Has(inventory.RoleEdge):
			c := newCommand("New-ExchangeCertificate").list("DomainName", selfSignedNames(cert)).raw("-Services SMTP")
			fixes = append(fixes, diag.Fix{Comment: "on " + src.Server + ", an Edge Transport server, in its own Exchange Management Shell: create a new self-signed certificate for SMTP " +
				"(KB 953354); answer Yes when asked to replace the default SMTP certificate", Shell: "powershell", Command: c.String(), Server: src.Server, Local: true})
		case !cert.SelfSigned:
			fixes = append(fixes, diag.Fix{Server: src.Server, Comment: t.where("") + ": the internal transport certificate " + cert.Thumbprint + " is from a CA: request its renewal with the same names " +
				"(New-ExchangeCertificate -GenerateRequest), import the answer and enable it for SMTP (Enable-ExchangeCertificate -Services SMTP), answering Yes when asked to " +
				"replace the default SMTP certificate: that also publishes it in the directory"})
		default:
			c, comment := r.selfSignedRenewal(t, cert, []string{"SMTP"})
			if c.err == nil {
				fixes = append(fixes, t.fix(t.where("")+": "+comment, c))
			}
		}
	}
	if r.hasEdge() {
		fixes = append(fixes, edgeSubscription()...)
	}
	return fixes, true
}

// edgeSubscription re-creates Edge subscriptions after an internal
// transport certificate changed (KB 953354).
func edgeSubscription() []diag.Fix {
	return []diag.Fix{
		{Comment: "on each Edge Transport server: export a new Edge subscription file (the old subscription used the old certificate)", Shell: "powershell", Command: `New-EdgeSubscription -FileName 'C:\EdgeSubscription.xml'`},
		{Comment: "copy C:\\EdgeSubscription.xml to a Hub Transport server and import it there for the Edge server's site; then restart the Microsoft Exchange ADAM service on the Edge server"},
	}
}

// renewFederation renews the federation certificate as Microsoft documents
// it: a working one is replaced by a new self-signed certificate set as
// the trust's next certificate, the domain proof TXT record updated in
// public DNS, then the next certificate published. An expired one cannot be
// renewed: the trust is removed and created again.
func (r *remedier) renewFederation(f *diag.Finding) []diag.Fix {
	trust := f.Sources[0].Object
	if f.Code == catalog.CertExpired {
		return []diag.Fix{{Comment: "an expired federation certificate cannot be replaced in place: remove every federated domain (Remove-FederatedDomain, the primary shared domain last), " +
			"remove the federation trust (Remove-FederationTrust '" + trust + "') and create it again with a new certificate (Exchange documentation: Renew the federation certificate, " +
			"Replace an expired federation certificate)"}}
	}
	c := newCommand("$new = New-ExchangeCertificate").arg("DomainName", "Federation").arg("FriendlyName", "Exchange Delegation Federation").
		raw("-Services Federation -SubjectKeyIdentifier ([guid]::NewGuid().ToString('N')) -PrivateKeyExportable $true").then()
	newCommand("Set-FederationTrust").arg("Identity", trust).raw("-Thumbprint $new.Thumbprint -RefreshMetadata").appendTo(c)
	publish := newCommand("Set-FederationTrust").arg("Identity", trust).raw("-PublishFederationCertificate")
	if c.err != nil || publish.err != nil {
		return nil
	}
	var domains []string
	if r.in.Org != nil {
		for _, d := range r.in.Org.AcceptedDomains {
			if d.ClientDomain() {
				domains = append(domains, d.Name)
			}
		}
	}
	proof := "Get-FederatedDomainProof -DomainName DOMAIN"
	if len(domains) > 0 {
		proof = "Get-FederatedDomainProof -DomainName " + domains[0]
	}
	return []diag.Fix{
		{Comment: "in the Exchange Management Shell: create a new federation certificate and make it the trust's next certificate", Shell: "powershell", Command: c.String()},
		{Comment: "update the federation proof of domain ownership TXT record of each federated domain in the public DNS zone with the new proof (" + proof +
			"), and wait until the new certificate has reached every server (Get-ExchangeCertificate | Where-Object {$_.Services -match 'Federation'})"},
		{Comment: "then make the new certificate the current one", Shell: "powershell", Command: publish.String()},
	}
}

// internalMismatch makes the certificate a server presents on its internal
// connectors its published internal transport certificate again.
func (r *remedier) internalMismatch(f *diag.Finding) []diag.Fix {
	return r.onServers(f, func(t target) (diag.Fix, bool) {
		c := t.certCommand("Enable-ExchangeCertificate").arg("Thumbprint", f.Thumbprint).raw("-Services SMTP")
		return t.fix(t.where(f.Address)+": enable the certificate the server presents for SMTP and answer Yes when asked whether to overwrite the existing default SMTP certificate: "+
			"that publishes it as the internal transport certificate. Then re-create Edge subscriptions, if any", c), c.err == nil
	})
}

// authUnknown says how to see the OAuth certificate exdiag cannot read.
func (r *remedier) authUnknown(f *diag.Finding) []diag.Fix {
	c := newCommand("Get-ExchangeCertificate").arg("Thumbprint", f.Thumbprint).raw("| Format-List Thumbprint,Subject,NotAfter,Status")
	if c.err != nil {
		return nil
	}
	return []diag.Fix{{Comment: "on each Exchange server with the Mailbox role: check that the OAuth certificate is there and when it expires (or run MonitorExchangeAuthCertificate.ps1 " +
		"from Microsoft CSS-Exchange, which checks every server and renews it when needed)", Shell: "powershell", Command: c.String()}}
}
