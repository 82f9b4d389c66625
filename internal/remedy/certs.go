package remedy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// serversOf lists the Exchange servers owning f's URLs; nil when unknown
// (URLs given with --url), and the commands then run on the server itself.
func serversOf(f *diag.Finding) []string {
	var out []string
	for _, s := range f.Sources {
		if s.Server != "" && !slices.Contains(out, s.Server) {
			out = append(out, s.Server)
		}
	}
	return out
}

// services lists the Enable-ExchangeCertificate services the URLs of f use.
func services(f *diag.Finding) string {
	var out []string
	for _, want := range []struct{ svc, prefixes string }{{"IIS", "https:// http://"}, {"SMTP", "smtp://"}, {"POP", "pop3:// pop3s://"}, {"IMAP", "imap:// imaps://"}} {
		for _, u := range f.URLs {
			lu := strings.ToLower(u)
			if slices.ContainsFunc(strings.Fields(want.prefixes), func(p string) bool { return strings.HasPrefix(lu, p) }) || (want.svc == "IIS" && !strings.Contains(lu, "://")) {
				out = append(out, want.svc)
				break
			}
		}
	}
	if len(out) == 0 {
		return "IIS"
	}
	return strings.Join(out, ",")
}

// onServers runs build once per owning server, or once for the server
// answering at f.Address when exdiag does not know which one it is.
func (r *remedier) onServers(f *diag.Finding, build func(t target) (diag.Fix, bool)) []diag.Fix {
	servers := serversOf(f)
	if len(servers) == 0 {
		servers = []string{""}
	}
	var fixes []diag.Fix
	for _, s := range servers {
		if fx, ok := build(r.target(s)); ok {
			fixes = append(fixes, fx)
		}
	}
	return fixes
}

// keepInternalTransport is what to answer when Enable-ExchangeCertificate
// or New-ExchangeCertificate asks to replace the default SMTP certificate.
const keepInternalTransport = "; when asked whether to overwrite the existing default SMTP certificate, answer No: " +
	"the certificate is enabled for SMTP either way, and the server keeps its self-signed internal transport " +
	"certificate, which Microsoft advises not to replace"

// renew gives the renewal of an expired, expiring or not-yet-valid certificate.
func (r *remedier) renew(f *diag.Finding) []diag.Fix {
	cert := r.certs[f.Thumbprint]
	if cert == nil || !r.isLeaf(f.Thumbprint) {
		return []diag.Fix{{Comment: "install the certifying authority's current intermediate certificate on the server answering at " + f.Address + ", so it is sent with the server certificate"}}
	}
	if f.Code == catalog.CertNotYetValid {
		return []diag.Fix{{Comment: "check the clock of the server answering at " + f.Address + " and of the CA; the certificate is valid from " + cert.NotBefore.Format("2006-01-02")}}
	}
	if cert.SelfSigned {
		return r.renewSelfSigned(f, cert)
	}
	if newer := r.renewed(cert); newer != nil {
		g := *f
		g.Thumbprint = newer.Thumbprint
		fixes := r.bindThumbprint(&g, newer.Thumbprint, "the renewed certificate "+newer.Thumbprint+" (valid until "+newer.NotAfter.Format("2006-01-02")+") is already served elsewhere: bind it here too")
		if len(fixes) > 0 {
			return fixes
		}
	}
	return r.newCertificateRequest(f, cert, "renew the certificate: request a new one with the same names from your CA")
}

// renewSelfSigned renews an expired or expiring self-signed certificate on
// each server that serves it, enables the new one for the services the old
// one served, and re-creates Edge subscriptions when the organisation has
// Edge servers (KB 953354).
func (r *remedier) renewSelfSigned(f *diag.Finding, cert *diag.CertInfo) []diag.Fix {
	svcs := strings.Split(services(f), ",")
	fixes := r.onServers(f, func(t target) (diag.Fix, bool) {
		c, comment := r.selfSignedRenewal(t, cert, svcs)
		return t.fix(t.where(f.Address)+": "+comment, c), c.err == nil
	})
	if r.hasEdge() {
		fixes = append(fixes, edgeSubscription()...)
	}
	return fixes
}

// selfSignedRenewal is the command that replaces cert on t with a new
// self-signed certificate, and what it does.
//   - Exchange 2007 (and unknown versions): KB 953354's own commands, typed on
//     the server: New-ExchangeCertificate -DomainName with the old names is
//     enabled for SMTP on a Hub Transport or Edge server, and for POP3 and
//     IMAP4 on a Client Access server, as it is made; IIS is enabled after.
//   - From 2010, the server's internal transport certificate (Exchange's own,
//     or one serving SMTP): the command Microsoft's HealthChecker documents
//     to recreate it, whose -Force replaces the default SMTP certificate
//     without asking, which is the intent.
//   - From 2010, any other self-signed certificate: a clone (-Server on New-
//     too: it does not take it from the pipeline and otherwise runs on the
//     local server) with -Services None, so that it does not take SMTP (the
//     default services are IMAP, POP and SMTP), then enabled for the old
//     certificate's services.
func (r *remedier) selfSignedRenewal(t target, cert *diag.CertInfo, svcs []string) (*command, string) {
	others := slices.DeleteFunc(slices.Clone(svcs), func(s string) bool { return s == "SMTP" })
	enable := func(c *command, list []string) {
		if len(list) > 0 {
			c.then()
			t.certCommand("Enable-ExchangeCertificate").raw("-Thumbprint $new.Thumbprint -Services " + strings.Join(list, ",")).appendTo(c)
		}
	}
	switch {
	case !t.remote():
		c := newCommand("$new = New-ExchangeCertificate").list("DomainName", selfSignedNames(cert))
		enable(c, slices.DeleteFunc(others, func(s string) bool { return s == "POP" || s == "IMAP" }))
		return c, "create a new self-signed certificate with the names of " + cert.Thumbprint + " (KB 953354): on a Hub Transport or Edge server it is enabled for SMTP, on a Client Access server for POP3 and IMAP4, as it is made; IIS is enabled after"
	case isInternalTransport(cert, svcs) && t.name != "":
		c := t.certCommand("$new = New-ExchangeCertificate").raw("-KeySize 2048 -PrivateKeyExportable $true").
			arg("FriendlyName", t.name).arg("DomainName", t.name).raw("-IncludeServerFQDN -Services SMTP -Force")
		enable(c, others)
		return c, "renew the internal transport certificate " + cert.Thumbprint + " as Microsoft's HealthChecker documents; -Force replaces the server's default SMTP certificate with the new one without asking, which is the intent here"
	}
	c := t.certCommand("$new = Get-ExchangeCertificate").arg("Thumbprint", cert.Thumbprint).raw("|")
	t.certCommand("New-ExchangeCertificate").raw("-Services None").appendTo(c)
	enable(c, svcs)
	return c, "renew the self-signed certificate " + cert.Thumbprint + " by cloning it (-Services None keeps the clone from replacing the default SMTP certificate), and enable the new one for the services it served"
}

// isInternalTransport recognises the server's default SMTP certificate:
// Exchange's own self-signed one, or a self-signed one serving SMTP.
func isInternalTransport(cert *diag.CertInfo, svcs []string) bool {
	return cert.SelfSigned && (slices.Contains(svcs, "SMTP") || cert.ExchangeDefault)
}

// selfSignedNames are a self-signed certificate's DNS names, FQDNs first.
func selfSignedNames(cert *diag.CertInfo) []string {
	names := slices.Clone(cert.SANs)
	if len(names) == 0 && cert.CommonName != "" {
		names = []string{cert.CommonName}
	}
	slices.SortStableFunc(names, func(a, b string) int {
		return boolRank(!strings.Contains(a, ".")) - boolRank(!strings.Contains(b, "."))
	})
	return names
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (r *remedier) hasEdge() bool {
	if r.in.Org == nil {
		return false
	}
	return slices.ContainsFunc(r.in.Org.Servers, func(s inventory.Server) bool { return s.Roles.Has(inventory.RoleEdge) })
}

func (r *remedier) isLeaf(thumb string) bool {
	return slices.ContainsFunc(r.rep.Certificates, func(c diag.CertInfo) bool { return c.Thumbprint == thumb })
}

// renewed finds a certificate served elsewhere in the run with the same
// subject CN, from a CA, valid longer: the renewal of cert.
func (r *remedier) renewed(cert *diag.CertInfo) *diag.CertInfo {
	var best *diag.CertInfo
	for i := range r.rep.Certificates {
		c := &r.rep.Certificates[i]
		if c.Thumbprint != cert.Thumbprint && !c.SelfSigned && strings.EqualFold(c.CommonName, cert.CommonName) &&
			c.NotAfter.After(cert.NotAfter) && (best == nil || c.NotAfter.After(best.NotAfter)) {
			best = c
		}
	}
	return best
}

// replaceSelfSigned replaces a self-signed certificate by one from a CA.
func (r *remedier) replaceSelfSigned(f *diag.Finding) []diag.Fix {
	cert := r.certs[f.Thumbprint]
	if cert == nil {
		return nil
	}
	return r.newCertificateRequest(f, cert, "replace the self-signed certificate with one from your enterprise CA or a public CA")
}

// newCertificateRequest requests a certificate covering the names served
// today plus the hosts of f, then imports and enables it. Exchange 2007
// writes the request with -Path; from 2010, New-ExchangeCertificate returns
// the request's text (-RequestFile existed only in 2013).
func (r *remedier) newCertificateRequest(f *diag.Finding, cert *diag.CertInfo, why string) []diag.Fix {
	names := requestNames(cert, f.Host)
	subject := names[0]
	svcs := services(f)
	after := "; submit " + subject + ".req to the CA, then Import-ExchangeCertificate the answer and Enable-ExchangeCertificate it for " + svcs
	if strings.Contains(svcs, "SMTP") {
		after += keepInternalTransport
	}
	return r.onServers(f, func(t target) (diag.Fix, bool) {
		c := t.certCommand("New-ExchangeCertificate").raw("-GenerateRequest").arg("SubjectName", "CN="+subject).list("DomainName", names)
		c.raw("-PrivateKeyExportable $true")
		if t.remote() {
			c.raw("|").raw("Set-Content").arg("Path", subject+".req")
		} else {
			c.arg("Path", subject+".req")
		}
		return t.fix(t.where(f.Address)+": "+why+after, c), c.err == nil
	})
}

// requestNames is the CN first, the other SANs, and host when it is a name
// a CA can certify (public CAs no longer issue internal names like .local).
func requestNames(cert *diag.CertInfo, host string) []string {
	var names []string
	add := func(n string) {
		n = strings.ToLower(n)
		// Single-label names (the NetBIOS CN of Exchange's own certificate)
		// are not worth certifying: clients should use an FQDN.
		if n != "" && strings.Contains(n, ".") && !slices.Contains(names, n) && probeIsName(n) {
			names = append(names, n)
		}
	}
	add(cert.CommonName)
	for _, s := range cert.SANs {
		add(s)
	}
	add(host)
	if len(names) == 0 {
		names = []string{host}
	}
	return names
}

func probeIsName(n string) bool {
	t, err := probe.ParseTarget(n)
	return err == nil && !t.IsIP()
}

// untrusted explains how to make the chain verify.
func (r *remedier) untrusted(f *diag.Finding) []diag.Fix {
	if probe.TrustReason(f.Cause) == probe.TrustIncompleteChain {
		return []diag.Fix{{Comment: "on the server answering at " + f.Address + ": install the issuing CA's intermediate certificate in the computer's Intermediate Certification Authorities store, then run iisreset, so the server sends the whole chain"}}
	}
	return []diag.Fix{{Comment: "clients must trust the root that issued this certificate: deploy your enterprise root by Group Policy, or use a certificate from a CA every client trusts"}}
}

// bind enables the right certificate on the server serving the wrong one.
func (r *remedier) bind(f *diag.Finding) []diag.Fix {
	want := ""
	if len(r.in.Expect) > 0 {
		want = r.in.Expect[0]
	}
	if f.Code == catalog.ServersDisagree {
		want = f.Thumbprint
	}
	if want == "" {
		return nil
	}
	return r.bindThumbprint(f, want, "bind the certificate "+want+" (import it first if that server lacks it)")
}

// bindThumbprint enables the certificate want for f's services on each
// server owning f's URLs.
func (r *remedier) bindThumbprint(f *diag.Finding, want, why string) []diag.Fix {
	svcs := services(f)
	if strings.Contains(svcs, "SMTP") {
		why += keepInternalTransport
	}
	return r.onServers(f, func(t target) (diag.Fix, bool) {
		c := t.certCommand("Enable-ExchangeCertificate").arg("Thumbprint", want).raw("-Services " + svcs)
		return t.fix(t.where(f.Address)+": "+why, c), c.err == nil
	})
}

// principalName points the EXPR provider at the certificate's subject CN (KB 2710606).
func (r *remedier) principalName(f *diag.Finding) []diag.Fix {
	cert := r.certs[f.Thumbprint]
	if cert == nil || cert.CommonName == "" {
		return nil
	}
	c := newCommand("Set-OutlookProvider EXPR").arg("CertPrincipalName", "msstd:"+cert.CommonName)
	if c.err != nil {
		return nil
	}
	return []diag.Fix{{Comment: "make Outlook Anywhere's mutual authentication name the certificate's subject CN (KB 2710606)", Shell: "powershell", Command: c.String()}}
}

// startTLS shows which certificate transport uses, the KB 953354 check.
func (r *remedier) startTLS(f *diag.Finding) []diag.Fix {
	return r.onServers(f, func(t target) (diag.Fix, bool) {
		c := t.certCommand("Get-ExchangeCertificate").raw("| Format-List Thumbprint,Subject,CertificateDomains,Services,NotAfter,Status")
		return t.fix(t.where(f.Address)+": find the certificate enabled for SMTP/POP/IMAP; if it has expired, renew it and run Enable-ExchangeCertificate -Services SMTP on the new one (KB 953354)", c), c.err == nil
	})
}

// newCertificateRoute is the other route when no name is safe to move to.
func (r *remedier) newCertificateRoute(f *diag.Finding, why string) []diag.Fix {
	fix := diag.Fix{Comment: fmt.Sprintf("exdiag will not move %s to another name: %s. Get a certificate that also covers %s instead "+
		"(an enterprise CA can certify internal names; public CAs no longer issue names such as .local)", f.Host, why, f.Host)}
	if cert := r.certs[f.Thumbprint]; cert != nil && !cert.SelfSigned {
		return append([]diag.Fix{fix}, r.newCertificateRequest(f, cert, "request a certificate that also covers "+f.Host)...)
	}
	return []diag.Fix{fix}
}
