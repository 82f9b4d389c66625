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

// Input is what remedies are built from besides the report.
type Input struct {
	// Org is the organisation; nil when the URLs came from --url.
	Org *inventory.Org
	// DNS holds every lookup of the run, including the names of every
	// certificate served (probe resolves them while observing), so a fix
	// only moves clients to a name that resolves.
	DNS map[string]*probe.DNSResult
	// DNSServers are the servers asked (for messages).
	DNSServers []string
	// PublicDNSServers are the servers clients outside the domain were
	// taken to ask (--external-dns-server), when not those of DNSServers:
	// the zones they answer from are the public ones.
	PublicDNSServers []string
	// TargetHost overrides the replacement host (--target-host).
	TargetHost string
	// Expect holds the thumbprints the run expected (--expect-thumbprint).
	Expect []string
}

type remedier struct {
	in        Input
	rep       *diag.Report
	usedHosts map[string]bool
	servers   map[string]*inventory.Server
	certs     map[string]*diag.CertInfo
	// recordAddr remembers where a new DNS record points, so every fix
	// that needs the same name gives the same address.
	recordAddr map[string]string
	// bySource indexes the report's URLs by the object holding them.
	bySource map[inventory.Source][]string
	urlSetOf *diag.Finding
	urlSet   map[string]bool
}

// Fixes returns, for each finding of rep in order, the commands that fix
// it, in the order to run them: DNS records first, then URLs, then
// application pool recycles. It changes nothing in rep.
func Fixes(rep *diag.Report, in Input) [][]diag.Fix {
	r := newRemedier(rep, in)
	out := make([][]diag.Fix, len(rep.Findings))
	for i := range rep.Findings {
		out[i] = r.fix(&rep.Findings[i])
	}
	return out
}

func newRemedier(rep *diag.Report, in Input) *remedier {
	r := &remedier{in: in, rep: rep, usedHosts: map[string]bool{}, servers: map[string]*inventory.Server{}, certs: map[string]*diag.CertInfo{}, recordAddr: map[string]string{}}
	for _, ep := range rep.Endpoints {
		r.usedHosts[strings.ToLower(ep.Host)] = true
	}
	if in.Org != nil {
		for i := range in.Org.Servers {
			s := &in.Org.Servers[i]
			r.servers[strings.ToLower(s.Name)] = s
		}
	}
	for i := range rep.Certificates {
		r.certs[rep.Certificates[i].Thumbprint] = &rep.Certificates[i]
	}
	for i := range rep.DirectoryCertificates {
		if c := &rep.DirectoryCertificates[i].Cert; r.certs[c.Thumbprint] == nil {
			r.certs[c.Thumbprint] = c
		}
	}
	for _, ep := range rep.Endpoints {
		for i := range ep.Chain {
			if _, ok := r.certs[ep.Chain[i].Thumbprint]; !ok {
				c := ep.Chain[i]
				r.certs[c.Thumbprint] = &c
			}
		}
	}
	return r
}

func (r *remedier) server(name string) *inventory.Server { return r.servers[strings.ToLower(name)] }

func (r *remedier) fix(f *diag.Finding) []diag.Fix {
	if fixes, ok := r.storedFix(f); ok {
		return fixes
	}
	if fixes, ok := r.clientFix(f); ok {
		return fixes
	}
	switch f.Code {
	case catalog.NameMismatch, catalog.CNOnlyMatch:
		if outsideOnly(f) {
			return r.outsideName(f)
		}
		return r.moveHost(f)
	case catalog.ConnectorCertMismatch:
		return r.connectorCert(f)
	case catalog.InternalTransportMismatch:
		return r.internalMismatch(f)
	case catalog.AutodiscoverSiteScope:
		return r.siteScope(f)
	case catalog.AuthCertUnknown:
		return r.authUnknown(f)
	case catalog.URLNotHTTPS:
		return r.toHTTPS(f)
	case catalog.DNSMissing:
		return r.dnsMissing(f)
	case catalog.CertExpired, catalog.CertExpiring, catalog.CertNotYetValid:
		return r.renew(f)
	case catalog.CertSelfSigned, catalog.SelfSignedExternal:
		return r.replaceSelfSigned(f)
	case catalog.CertUntrusted:
		return r.untrusted(f)
	case catalog.CertUnexpected, catalog.ServersDisagree:
		return r.bind(f)
	case catalog.PrincipalNameMismatch, catalog.PrincipalNameSANOnly:
		return r.principalName(f)
	case catalog.StartTLSMissing:
		return r.startTLS(f)
	case catalog.AutodiscoverDNS:
		return r.autodiscoverDNS(f)
	}
	return r.manual(f)
}

// moveHost moves each URL of f to a name the served certificate covers.
func (r *remedier) moveHost(f *diag.Finding) []diag.Fix {
	if onlySMTP(f) {
		return r.smtpName(f)
	}
	ch := r.chooseHost(r.certs[f.Thumbprint])
	if ch.host == "" {
		return r.newCertificateRoute(f, ch.why)
	}
	var fixes []diag.Fix
	if !ch.resolves {
		fixes = append(fixes, r.addRecord(ch.host, f.Address, fmt.Sprintf(
			"%s has no DNS record at %s: add it first, pointing at the server that answers today (KB 940726)", ch.host, r.dnsServers()))...)
	}
	return append(fixes, r.moveURLs(f, ch.host)...)
}

// toHTTPS moves a plain http:// URL to https://: on the same host when the
// certificate that host serves over https covers it, else to a name that
// certificate covers, chosen as for name-mismatch (KB 940726 moves
// Exchange 2007's http://SERVER/OAB to https://mail.contoso.com/oab).
func (r *remedier) toHTTPS(f *diag.Finding) []diag.Fix {
	cert := r.certs[f.Thumbprint]
	if cert == nil {
		return []diag.Fix{{Comment: "exdiag saw no certificate served for " + f.Host + " over https: bind one that covers " +
			f.Host + " in IIS (Enable-ExchangeCertificate -Services IIS), then change the URL to https://"}}
	}
	if certCovers(cert, f.Host) {
		return r.moveURLs(f, f.Host)
	}
	ch := r.chooseHost(cert)
	if ch.host == "" {
		return r.newCertificateRoute(f, ch.why)
	}
	var fixes []diag.Fix
	if !ch.resolves {
		fixes = append(fixes, r.addRecord(ch.host, f.Address, fmt.Sprintf(
			"%s has no DNS record at %s: add it first, pointing at the server that answers today (KB 940726)", ch.host, r.dnsServers()))...)
	}
	return append(fixes, r.moveURLs(f, ch.host)...)
}

// autodiscoverServed are the settings the Autodiscover response carries or
// points at: after changing them KB 940726 recycles the Autodiscover
// application pool, which caches them.
var autodiscoverServed = map[inventory.Service]bool{
	inventory.ServiceAutodiscoverSCP: true, inventory.ServiceEWS: true, inventory.ServiceOAB: true, inventory.ServiceUM: true,
}

// moveURLs moves every URL of f to https:// on host, then recycles the
// Autodiscover application pool once on each server whose Autodiscover
// settings changed.
func (r *remedier) moveURLs(f *diag.Finding, host string) []diag.Fix {
	var fixes, recycles []diag.Fix
	for _, src := range f.Sources {
		if src.Service == inventory.ServiceAutodiscoverOutside {
			continue // no directory object holds it: the internal URLs' fix covers the name
		}
		for _, u := range r.urlsOf(f, src) {
			steps, why := r.setHost(src, u, host)
			if steps == nil {
				fixes = appendFix(fixes, diag.Fix{Comment: fmt.Sprintf("change %s to https://%s: %s", u, host, why), Server: src.Server})
				continue
			}
			for _, st := range steps {
				fixes = appendFix(fixes, st)
			}
			if autodiscoverServed[src.Service] {
				recycles = appendFix(recycles, r.target(src.Server).recycleAutodiscover())
			}
		}
	}
	return append(fixes, recycles...)
}

// appendFix appends fx unless the same step is there already.
func appendFix(fixes []diag.Fix, fx diag.Fix) []diag.Fix {
	if slices.ContainsFunc(fixes, func(g diag.Fix) bool {
		return g.Command == fx.Command && g.Server == fx.Server && (fx.Command != "" || g.Comment == fx.Comment)
	}) {
		return fixes
	}
	return append(fixes, fx)
}

func onlySMTP(f *diag.Finding) bool {
	return len(f.Sources) > 0 && !slices.ContainsFunc(f.Sources, func(s inventory.Source) bool { return s.Service != inventory.ServiceSMTP })
}

// urlsOf returns the URLs of f held at src, via the report's endpoints.
func (r *remedier) urlsOf(f *diag.Finding, src inventory.Source) []string {
	if r.bySource == nil {
		// Only the sources findings name: a large organisation has 65,000
		// endpoints, few of them in findings.
		r.bySource = map[inventory.Source][]string{}
		for i := range r.rep.Findings {
			for _, s := range r.rep.Findings[i].Sources {
				r.bySource[s] = nil
			}
		}
		for i := range r.rep.Endpoints {
			ep := &r.rep.Endpoints[i]
			src := ep.SourceValue()
			if urls, ok := r.bySource[src]; ok && !slices.Contains(urls, ep.URL) {
				r.bySource[src] = append(urls, ep.URL)
			}
		}
	}
	var out []string
	for _, u := range r.bySource[src] {
		if len(f.URLs) < 8 && slices.Contains(f.URLs, u) || len(f.URLs) >= 8 && r.inFinding(f, u) {
			out = append(out, u)
		}
	}
	return out
}

// inFinding reports whether u is one of f's URLs, through a set built once
// per finding: large findings list thousands of URLs.
func (r *remedier) inFinding(f *diag.Finding, u string) bool {
	if r.urlSet == nil || r.urlSetOf != f {
		r.urlSetOf, r.urlSet = f, make(map[string]bool, len(f.URLs))
		for _, x := range f.URLs {
			r.urlSet[x] = true
		}
	}
	return r.urlSet[u]
}

func describe(src inventory.Source, oldURL, newHost string) string {
	if strings.EqualFold(hostOfURL(oldURL), newHost) {
		return fmt.Sprintf("%s: serve the %s over https (now %s)", src.Server, setting(src), oldURL)
	}
	return fmt.Sprintf("%s: point the %s at %s (now %s)", src.Server, setting(src), newHost, oldURL)
}

// setting names the value a fix changes, as the cmdlets call it.
func setting(src inventory.Source) string {
	switch src.Service {
	case inventory.ServiceAutodiscoverSCP:
		return "Autodiscover SCP (AutoDiscoverServiceInternalUri)"
	case inventory.ServiceOutlookAnywhere:
		if src.Scope == inventory.ScopeInternal {
			return "Outlook Anywhere InternalHostname"
		}
		return "Outlook Anywhere ExternalHostname"
	case inventory.ServicePOP3:
		return "POP3 settings"
	case inventory.ServiceIMAP4:
		return "IMAP4 settings"
	case inventory.ServiceSMTP:
		return src.Object + " receive connector FQDN"
	}
	if src.Scope == inventory.ScopeInternal {
		return src.Object + " InternalUrl"
	}
	return src.Object + " ExternalUrl"
}

func (r *remedier) dnsServers() string {
	if len(r.in.DNSServers) == 0 {
		return "the DNS servers asked"
	}
	return strings.Join(r.in.DNSServers, ", ")
}

// manual is the fallback: a step to take, with no command.
func (r *remedier) manual(f *diag.Finding) []diag.Fix {
	switch f.Code {
	case catalog.Unreachable:
		return []diag.Fix{{Comment: "make " + f.Address + " reachable from clients: start the service, open the firewall, or correct the DNS record"}}
	case catalog.TLSError:
		return []diag.Fix{{Comment: "bind a certificate to the service on the server answering at " + f.Address + " (for IIS: Enable-ExchangeCertificate -Services IIS) and check its TLS settings"}}
	case catalog.TLSLegacy:
		return []diag.Fix{{Comment: "enable TLS 1.2 on the server answering at " + f.Address + " (Exchange TLS guidance: TLS 1.2 enabled, with strong crypto for .NET)"}}
	case catalog.URLInvalid:
		return []diag.Fix{{Comment: "correct the stored value to a valid https:// URL on a name the certificate covers"}}
	case catalog.MailServiceDisabled:
		return []diag.Fix{{Comment: "nothing to do unless users need this service; then, on each server, set its services to start automatically and start them (Set-Service -StartupType Automatic; Start-Service), as Microsoft's \"Enable and configure POP3/IMAP4\" describes"}}
	}
	return nil
}
