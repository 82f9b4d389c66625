package diag

import (
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"slices"
	"strings"
	"time"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// Input is everything the rules judge.
type Input struct {
	Obs *probe.Observations
	// Org is the organisation the endpoints came from; nil for --url runs.
	Org *inventory.Org
	// Now is when validity and expiry are judged (--as-of, else the clock).
	Now time.Time
	// GeneratedAt is when the run happened; zero means Now.
	GeneratedAt time.Time
	// WarnDays is the cert-expiring threshold.
	WarnDays int
	// Expect holds normalised thumbprints (NormalizeThumbprint) the run
	// expects every endpoint to serve; empty means no expectation.
	Expect []string
}

// Judge applies every rule and returns the report, findings merged (one per
// code, host and address, listing every URL affected) and sorted.
func Judge(in Input) *Report {
	j := &judge{in: in, byKey: map[findingKey]int{}, seenURL: map[int]map[string]bool{}, seenSource: map[int]*inventory.SourceSet{},
		infos: map[*x509.Certificate]CertInfo{}, chains: map[probe.HandshakeKey][]CertInfo{}}
	rep := &Report{GeneratedAt: cmp.Or(in.GeneratedAt, in.Now).UTC(), AsOf: in.Now.UTC(), DNSServers: in.Obs.DNSServers}
	n := len(in.Obs.Endpoints)
	if in.Obs.Outside != nil {
		n += len(in.Obs.Outside.Endpoints)
	}
	// Sized once: growing past 65,000 endpoints would copy them into an
	// array twice as large.
	rep.Endpoints = make([]Endpoint, 0, n)
	if in.Org != nil {
		rep.Org = in.Org.Name
	}
	j.off = j.mailOff()
	hosts := map[string]bool{}
	for _, eo := range in.Obs.Endpoints {
		rep.Endpoints = append(rep.Endpoints, j.endpoint(eo))
		if eo.ParseErr == nil {
			hosts[eo.Target.Host] = true
		}
	}
	if in.Obs.Outside != nil {
		for _, eo := range in.Obs.Outside.Endpoints {
			rep.Endpoints = append(rep.Endpoints, j.outsideEndpoint(eo))
		}
	}
	j.organisation()
	rep.Sites, rep.DirectoryCertificates = j.sites, j.stored
	rep.Servers = j.serverCerts()
	rep.Certificates = distinctLeaves(in.Obs)
	rep.Findings = j.sorted()
	rep.Summary = Summary{URLs: len(in.Obs.Endpoints), Hosts: len(hosts), Handshakes: len(in.Obs.Handshakes)}
	if o := in.Obs.Outside; o != nil {
		rep.Summary.URLs += len(o.Endpoints)
		rep.Summary.Handshakes += len(o.Handshakes)
	}
	for _, f := range rep.Findings {
		switch f.Severity {
		case Error:
			rep.Summary.Errors++
		case Warning:
			rep.Summary.Warnings++
		default:
			rep.Summary.Infos++
		}
	}
	return rep
}

type findingKey struct {
	code          Code
	severity      Severity
	host, address string
	detail        string
}

// certificateCodes are findings about a certificate rather than a connection.
var certificateCodes = map[Code]bool{
	catalog.NameMismatch: true, catalog.CNOnlyMatch: true, catalog.CertExpired: true, catalog.CertNotYetValid: true,
	catalog.CertExpiring: true, catalog.CertSelfSigned: true, catalog.CertUntrusted: true, catalog.CertUnexpected: true,
	catalog.SelfSignedExternal: true, catalog.PrincipalNameMismatch: true, catalog.PrincipalNameSANOnly: true,
	catalog.CertWeakKey: true, catalog.CertWeakSignature: true, catalog.CertNegativeSerial: true, catalog.CertUnknownCriticalExtension: true,
	catalog.CertRevoked: true, catalog.RevocationUnavailable: true, catalog.ChainIncomplete: true, catalog.CertValidityTooLong: true, catalog.CertEKUMissing: true,
	catalog.ChainExtraCert: true, catalog.CertProfile: true,
}

type judge struct {
	in       Input
	findings []Finding
	byKey    map[findingKey]int
	// seenURL and seenSource make merging linear: finding index → members.
	seenURL    map[int]map[string]bool
	seenSource map[int]*inventory.SourceSet
	// byServer indexes endpoints by owning server, host and port.
	byServer map[serverKey][]int
	infos    map[*x509.Certificate]CertInfo
	// chains holds each handshake's chain summary once: the endpoints that
	// share a handshake share the slice (5,000 servers give 65,000 endpoints
	// but 10,000 handshakes).
	chains map[probe.HandshakeKey][]CertInfo
	// off holds the POP3 and IMAP4 settings whose service is not started.
	off map[string]*inventory.PopImapSettings
	// httpsLeaf is the leaf each host served over https (servedOverHTTPS).
	httpsLeaf map[string]*x509.Certificate
	// stored and sites are the directory's certificates and the per-site
	// Autodiscover view (rules_directory.go, rules_sites.go).
	stored []StoredCertificate
	sites  []SiteView
	// ownerIndex is built by the first ownedBy or heldBy.
	ownerIndex *ownerIndex
	// serverProbes indexes Obs.Servers by lower-case server (ownHandshake).
	serverProbes map[string][]int
}

type serverKey struct {
	server, host string
	port         int
}

// add records a finding, merging it into an earlier one with the same key.
func (j *judge) add(f Finding, detail string, eo probe.EndpointObservation) {
	addr := f.Address
	if certificateCodes[f.Code] {
		// One certificate served on several ports of a server is one problem.
		addr = hostOf(addr)
	}
	k := findingKey{f.Code, f.Severity, f.Host, addr, detail}
	i, ok := j.byKey[k]
	if !ok {
		i = len(j.findings)
		j.byKey[k] = i
		j.findings = append(j.findings, f)
		j.seenURL[i], j.seenSource[i] = map[string]bool{}, &inventory.SourceSet{}
		for k := range f.Sources {
			j.seenSource[i].Add(&f.Sources[k])
		}
	}
	j.member(i, eo.Endpoint.URL, &eo.Endpoint.Source)
}

// member adds a URL and its source to finding i, once each.
func (j *judge) member(i int, url string, src *inventory.Source) {
	g := &j.findings[i]
	if !j.seenURL[i][url] {
		j.seenURL[i][url] = true
		g.URLs = append(g.URLs, url)
	}
	if _, added := j.seenSource[i].Add(src); added {
		g.Sources = append(g.Sources, *src)
	}
}

// certInfo summarises a certificate once: the same certificate is served
// at many endpoints (crypto/tls shares the parsed value between them).
func (j *judge) certInfo(c *x509.Certificate) CertInfo {
	if ci, ok := j.infos[c]; ok {
		return ci
	}
	ci := NewCertInfo(c)
	ci.Revocation = revocationOf(j.in.Obs, c)
	j.infos[c] = ci
	return ci
}

// revocationOf is what the observations say of c's revocation sources.
func revocationOf(obs *probe.Observations, c *x509.Certificate) []RevocationCheck {
	r := obs.Revocation[probe.CertKey(c)]
	if r == nil {
		return nil
	}
	out := make([]RevocationCheck, len(r.Sources))
	for i, s := range r.Sources {
		out[i] = RevocationCheck{Kind: string(s.Kind), URL: s.URL, State: string(s.State), Detail: s.Detail, RevokedAt: s.RevokedAt, Internal: s.Internal}
	}
	return out
}

// endpointsOf lists the endpoints a server publishes on host:port.
func (j *judge) endpointsOf(server, host string, port int) []probe.EndpointObservation {
	if j.byServer == nil {
		j.byServer = map[serverKey][]int{}
		for i, eo := range j.in.Obs.Endpoints {
			if eo.ParseErr == nil && eo.Endpoint.Source.Server != "" {
				k := serverKey{strings.ToLower(eo.Endpoint.Source.Server), eo.Target.Host, eo.Target.Port}
				j.byServer[k] = append(j.byServer[k], i)
			}
		}
	}
	var out []probe.EndpointObservation
	for _, i := range j.byServer[serverKey{strings.ToLower(server), host, port}] {
		out = append(out, j.in.Obs.Endpoints[i])
	}
	return out
}

func (j *judge) sorted() []Finding {
	out := slices.Clone(j.findings)
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(b.Severity, a.Severity),
			cmp.Compare(a.Host, b.Host),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Address, b.Address),
		)
	})
	return out
}

// endpoint judges one endpoint and returns its report line.
func (j *judge) endpoint(eo probe.EndpointObservation) Endpoint {
	t := eo.Target
	ep := Endpoint{URL: eo.Endpoint.URL, Scheme: t.Scheme, Host: t.Host, Port: t.Port, Source: &eo.Endpoint.Source}
	j.unsafeSource(eo)
	if eo.ParseErr != nil {
		ep.Error = eo.ParseErr.Error()
		j.urlInvalid(eo)
		return ep
	}
	if t.Plain {
		j.urlNotHTTPS(eo)
	}
	dnsOK := j.dns(eo)
	if eo.Handshake.Zero() {
		if !t.Plain && dnsOK {
			ep.Error = "no address to connect to"
		} else if !dnsOK {
			ep.Error = "no DNS record"
		}
		return ep
	}
	ep.Address = eo.Handshake.Address
	hs := j.in.Obs.Handshakes[eo.Handshake]
	if hs == nil {
		ep.Error = "not probed"
		return ep
	}
	if hs.Err != nil {
		ep.Error = hs.Err.Error()
		if len(hs.Chain) == 0 {
			if j.off[eo.Endpoint.Source.DN] == nil {
				j.connError(eo, hs)
			}
			return ep
		}
	}
	if len(hs.Chain) == 0 {
		ep.Error = "the server sent no certificate"
		return ep
	}
	if hs.Err != nil {
		j.afterCertificate(eo, hs)
	}
	ep.TLSVersion = tls.VersionName(hs.Version)
	ep.Chain = j.chain(hs)
	ep.Leaf = ep.Chain[0].Thumbprint
	j.certificate(eo, hs)
	return ep
}

// chain summarises a handshake's chain once; callers must not modify it.
func (j *judge) chain(hs *probe.Handshake) []CertInfo {
	if c, ok := j.chains[hs.Key]; ok {
		return c
	}
	c := make([]CertInfo, len(hs.Chain))
	for i, cert := range hs.Chain {
		c[i] = j.certInfo(cert)
	}
	j.chains[hs.Key] = c
	return c
}

// serverCerts lists what each server served for a shared name.
func (j *judge) serverCerts() []ServerCert {
	out := make([]ServerCert, 0, len(j.in.Obs.Servers))
	for _, so := range j.in.Obs.Servers {
		out = append(out, j.serverCert(so))
	}
	return out
}

func (j *judge) serverCert(so probe.ServerObservation) ServerCert {
	sc := ServerCert{Server: so.Server, Host: so.Host, Port: so.Port, Service: service(so.Port, so.StartTLS), Address: so.Handshake.Address, Error: so.Err}
	hs := j.in.Obs.Handshakes[so.Handshake]
	switch {
	case hs != nil && len(hs.Chain) > 0:
		sc.Leaf = j.certInfo(hs.Chain[0]).Thumbprint
	case hs != nil && hs.Err != nil:
		sc.Error = hs.Err.Error()
	case sc.Error == "":
		sc.Error = "not probed"
	}
	return sc
}

// distinctLeaves lists each leaf certificate seen once, in a stable order.
func distinctLeaves(obs *probe.Observations) []CertInfo {
	seen := map[string]bool{}
	var out []CertInfo
	for o := obs; o != nil; o = o.Outside {
		for _, hs := range o.Handshakes {
			if hs == nil || len(hs.Chain) == 0 {
				continue
			}
			ci := NewCertInfo(hs.Chain[0])
			ci.Revocation = revocationOf(o, hs.Chain[0])
			if !seen[ci.Thumbprint] {
				seen[ci.Thumbprint] = true
				out = append(out, ci)
			}
		}
	}
	slices.SortFunc(out, func(a, b CertInfo) int {
		return cmp.Or(cmp.Compare(a.CommonName, b.CommonName), cmp.Compare(a.Thumbprint, b.Thumbprint))
	})
	return out
}
