package diag

import (
	"cmp"
	"crypto/x509"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// organisation applies the rules that need the directory's view: the EXPR
// principal name, servers behind one name, Autodiscover DNS.
func (j *judge) organisation() {
	if j.in.Org == nil {
		return
	}
	j.principalName()
	j.serverCertificates()
	j.serversDisagree()
	j.autodiscoverDNS()
	j.mailDisabled()
	j.storedCertificates()
	j.receiveConnectors()
	j.sendConnectors()
	j.siteView()
	j.notes()
}

// notes reports what the directory reader could not turn into endpoints:
// objects the account could not read are "unknown", never "not configured".
func (j *judge) notes() {
	for _, n := range j.in.Org.Notes {
		code := Code(n.Code)
		j.addOrg(Finding{Code: code, Severity: catalog.SeverityOf(code), Host: n.Source.Server, Message: n.Message, Sources: []inventory.Source{n.Source}})
	}
}

// addOrg records a finding that is not tied to one endpoint observation.
func (j *judge) addOrg(f Finding) {
	i := len(j.findings)
	j.findings = append(j.findings, f)
	j.seenURL[i], j.seenSource[i] = map[string]bool{}, &inventory.SourceSet{}
	g := &j.findings[i]
	for _, u := range g.URLs {
		j.seenURL[i][u] = true
	}
	for k := range g.Sources {
		j.seenSource[i].Add(&g.Sources[k])
	}
}

// principalName compares the EXPR provider's CertPrincipalName with the
// subject CN of the certificate served at each Outlook Anywhere external
// host (KB 2710606). Windows before Vista SP1 checks only the CN, so a name
// found only among the SANs is a warning.
func (j *judge) principalName() {
	var expr *inventory.OutlookProvider
	for i := range j.in.Org.Providers {
		if strings.EqualFold(j.in.Org.Providers[i].Name, "EXPR") {
			expr = &j.in.Org.Providers[i]
		}
	}
	if expr == nil {
		return
	}
	src := inventory.Source{Origin: j.originOf(), Service: inventory.ServiceOutlookProvider, Object: expr.Name, DN: expr.DN, Attribute: "msExchAutoDiscoverCertPrincipalName"}
	for _, eo := range j.in.Obs.Endpoints {
		s := eo.Endpoint.Source
		if eo.ParseErr != nil || s.Service != inventory.ServiceOutlookAnywhere || s.Scope != inventory.ScopeExternal {
			continue
		}
		hs := j.in.Obs.Handshakes[eo.Handshake]
		if hs == nil || len(hs.Chain) == 0 {
			continue
		}
		leaf := hs.Chain[0]
		value, assumed := strings.TrimSpace(expr.CertPrincipalName), ""
		if value == "" {
			value = "msstd:" + eo.Target.Host
			assumed = fmt.Sprintf("the EXPR provider has no CertPrincipalName, so Outlook assumes %s; ", value)
		}
		name, ok := strings.CutPrefix(strings.ToLower(value), "msstd:")
		name = strings.TrimSpace(name)
		wildcard := strings.HasPrefix(leaf.Subject.CommonName, "*.")
		if ok && strings.EqualFold(name, leaf.Subject.CommonName) {
			continue
		}
		f := Finding{Host: eo.Target.Host, Address: hs.Key.Address, Thumbprint: Thumbprint(leaf), Sources: []inventory.Source{src}}
		served := fmt.Sprintf("the certificate served at %s (%s) has subject %s", eo.Target.Host, hs.Key.Address, subjectName(leaf))
		switch {
		case !ok:
			f.Code, f.Severity = catalog.PrincipalNameMismatch, Error
			f.Message = fmt.Sprintf("Outlook Anywhere fails with \"Mutual Authentication could not be established\" (KB 2710606): the EXPR CertPrincipalName %q is not of the form msstd:NAME; %s.", value, served)
		case wildcard:
			// With a wildcard certificate the principal name must be the
			// wildcard itself (Exchange 2007 help, Outlook Anywhere with a
			// wildcard certificate): Outlook compares it with the CN.
			f.Code, f.Severity = catalog.PrincipalNameMismatch, Error
			f.Message = fmt.Sprintf("Outlook Anywhere fails with \"Mutual Authentication could not be established\" (KB 2710606): %sthe EXPR CertPrincipalName is %s, but %s, a wildcard certificate, for which Outlook needs msstd:%s.", assumed, value, served, strings.ToLower(leaf.Subject.CommonName))
		case leaf.VerifyHostname(name) == nil:
			f.Code, f.Severity = catalog.PrincipalNameSANOnly, Warning
			f.Message = fmt.Sprintf("%sthe EXPR CertPrincipalName %s names only a subject alternative name: %s. Outlook on Windows before Vista SP1 checks the CN and fails with \"Mutual Authentication could not be established\" (KB 2710606).", assumed, value, served)
		default:
			f.Code, f.Severity = catalog.PrincipalNameMismatch, Error
			f.Message = fmt.Sprintf("Outlook Anywhere fails with \"Mutual Authentication could not be established\", and profiles offer an unencrypted connection (KB 2710606): %sthe EXPR CertPrincipalName is %s, but %s.", assumed, value, served)
		}
		j.add(f, value, eo)
	}
}

func (j *judge) originOf() inventory.Origin {
	for _, eo := range j.in.Obs.Endpoints {
		if o := eo.Endpoint.Source.Origin; o != inventory.OriginFlag {
			return o
		}
	}
	return inventory.OriginLDAP
}

// serversDisagree compares what each server serves for a name several
// servers publish (the renewal that reached only some of them).
func (j *judge) serversDisagree() {
	type group struct {
		host  string
		byThb map[string][]probe.ServerObservation
		certs map[string]*x509.Certificate
		all   []probe.ServerObservation
		fails []string
	}
	groups := map[string]*group{}
	var order []string
	for _, so := range j.in.Obs.Servers {
		k := so.Host
		g := groups[k]
		if g == nil {
			g = &group{host: so.Host, byThb: map[string][]probe.ServerObservation{}, certs: map[string]*x509.Certificate{}}
			groups[k] = g
			order = append(order, k)
		}
		g.all = append(g.all, so)
		hs := j.in.Obs.Handshakes[so.Handshake]
		if hs == nil || len(hs.Chain) == 0 {
			if !slices.Contains(g.fails, so.Server) {
				g.fails = append(g.fails, so.Server)
			}
			continue
		}
		t := Thumbprint(hs.Chain[0])
		g.byThb[t] = append(g.byThb[t], so)
		g.certs[t] = hs.Chain[0]
	}
	for _, k := range order {
		g := groups[k]
		if len(g.byThb) < 2 {
			continue
		}
		thumbs := slices.Collect(maps.Keys(g.byThb))
		// The newest certificate (latest expiry) is the one the renewal meant to bind everywhere.
		slices.SortFunc(thumbs, func(a, b string) int {
			return cmp.Or(g.certs[b].NotAfter.Compare(g.certs[a].NotAfter), cmp.Compare(a, b))
		})
		newest := thumbs[0]
		f := Finding{Code: catalog.ServersDisagree, Severity: Error, Host: g.host, Thumbprint: newest}
		members := newMemberSet()
		var parts []string
		for i, t := range thumbs {
			c := g.certs[t]
			var names []string
			for _, so := range g.byThb[t] {
				if !slices.Contains(names, so.Server) {
					names = append(names, so.Server)
				}
				if t != newest {
					if f.Address == "" {
						f.Address = hostOf(so.Handshake.Address)
					}
					j.laggingServer(&f, so, members)
				}
			}
			what := fmt.Sprintf("%s (%s, expires %s)", t, subjectName(c), day(c.NotAfter))
			if i == 0 {
				parts = append(parts, fmt.Sprintf("The newest, %s, is served by %s", what, nameList(names)))
			} else {
				parts = append(parts, fmt.Sprintf("%s by %s", what, nameList(names)))
			}
		}
		if len(g.fails) > 0 {
			parts = append(parts, nameList(g.fails)+" could not be checked")
		}
		for _, so := range g.all {
			f.Servers = append(f.Servers, j.serverCert(so))
		}
		f.Message = fmt.Sprintf("%s is served by several servers that do not all serve the same certificate. %s. Clients get a different certificate depending on which server answers; bind the newest one (%s) on every server.",
			g.host, strings.Join(parts, "; "), newest)
		j.addOrg(f)
	}
}

// maxNamedServers is how many servers a message names before "and N more":
// the finding's Servers list them all.
const maxNamedServers = 5

// nameList is "EX21", "EX21 and EX31", "EX21, EX22 and EX31" or, past
// maxNamedServers, "EX01, …, EX05 and 12 more".
func nameList(names []string) string {
	if len(names) > maxNamedServers {
		return strings.Join(names[:maxNamedServers], ", ") + fmt.Sprintf(" and %d more", len(names)-maxNamedServers)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// serverCertificates judges what each server serves for a shared name
// (validity, --expect-thumbprint) as if clients reached that server: a
// renewal that missed one server behind the load balancer shows here.
func (j *judge) serverCertificates() {
	for _, so := range j.in.Obs.Servers {
		hs := j.in.Obs.Handshakes[so.Handshake]
		if hs == nil || len(hs.Chain) == 0 {
			continue
		}
		leaf := hs.Chain[0]
		for _, eo := range j.endpointsOf(so.Server, so.Host, so.Port) {
			// Keyed by the server's address, so one finding covers all its services.
			f := Finding{Host: so.Host, Address: hostOf(so.Handshake.Address)}
			path, _ := clientPath(hs, j.in.Now)
			for i, c := range path {
				j.validity(eo, f, c, pathRole(hs, c, i, f.Address))
			}
			if len(j.in.Expect) > 0 && !slices.Contains(j.in.Expect, Thumbprint(leaf)) {
				f.Code, f.Severity, f.Thumbprint = catalog.CertUnexpected, Error, Thumbprint(leaf)
				f.Message = fmt.Sprintf("%s (%s) serves certificate %s (%s, expires %s) for %s, not the expected %s: "+
					"clients that the load balancer sends to %s get the old certificate.",
					so.Server, so.Handshake.Address, f.Thumbprint, subjectName(leaf), day(leaf.NotAfter), so.Host, strings.Join(j.in.Expect, " or "), so.Server)
				j.add(f, "", eo)
			}
		}
	}
}

// memberSet remembers the URLs and sources a finding holds, so adding to
// it stays linear.
type memberSet struct {
	urls map[string]bool
	srcs *inventory.SourceSet
}

func newMemberSet() memberSet {
	return memberSet{urls: map[string]bool{}, srcs: &inventory.SourceSet{}}
}

// laggingServer adds the URLs and sources of server so under f.Host to f.
func (j *judge) laggingServer(f *Finding, so probe.ServerObservation, m memberSet) {
	for _, eo := range j.endpointsOf(so.Server, so.Host, so.Port) {
		if u := eo.Endpoint.URL; !m.urls[u] {
			m.urls[u] = true
			f.URLs = append(f.URLs, u)
		}
		if _, added := m.srcs.Add(&eo.Endpoint.Source); added {
			f.Sources = append(f.Sources, eo.Endpoint.Source)
		}
	}
}

// autodiscoverDNS warns about accepted domains where clients that do not
// use the SCP (not domain-joined, phones) cannot find Autodiscover.
func (j *judge) autodiscoverDNS() {
	servers := j.in.Obs.DNSServers
	if j.in.Obs.Outside != nil {
		servers = j.in.Obs.Outside.DNSServers // asked as clients outside the domain do
	}
	for _, d := range j.in.Org.AcceptedDomains {
		a := j.in.Obs.Autodiscover[strings.ToLower(d.Name)]
		if a == nil || a.Found() || !d.ClientDomain() {
			continue
		}
		j.addOrg(Finding{
			Code: catalog.AutodiscoverDNS, Severity: Warning, Host: "autodiscover." + a.Domain,
			Sources: []inventory.Source{{Origin: j.originOf(), Service: inventory.ServiceAutodiscoverDNS, Object: d.Name, DN: d.DN, Attribute: "msExchAcceptedDomainName"}},
			Message: fmt.Sprintf("neither autodiscover.%s (A or CNAME: %s) nor _autodiscover._tcp.%s (SRV: %s) exists at %s: Outlook on machines that are not domain-joined, and phones, cannot find the mailbox settings of @%s addresses.",
				a.Domain, statusWord(a.Host), a.Domain, a.SRVStatus, strings.Join(servers, ", "), a.Domain),
		})
	}
}

// hostOf is the IP of an ip:port address.
func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// service names what listens on a port, as Enable-ExchangeCertificate does.
func service(port int, st probe.StartTLS) string {
	switch {
	case st == probe.StartTLSSMTP || port == 25 || port == 587:
		return "SMTP"
	case st == probe.StartTLSPOP3 || port == 995:
		return "POP"
	case st == probe.StartTLSIMAP || port == 993:
		return "IMAP"
	}
	return "IIS"
}

func statusWord(r *probe.DNSResult) string {
	if r == nil {
		return "not looked up"
	}
	return string(r.Status)
}
