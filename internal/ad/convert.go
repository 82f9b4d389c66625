package ad

import (
	"fmt"
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/inventory"
)

// Filter narrows what FromEntries and Read return.
type Filter struct {
	// Servers keeps only these servers and their endpoints (names compared
	// case-insensitively). Organisation-wide data is always kept.
	Servers []string
	// NoInternal and NoExternal drop InternalUrl-like and ExternalUrl-like
	// endpoints. Endpoints without a scope (SMTP) are always kept.
	NoInternal, NoExternal bool
}

// maxValueBytes bounds one attribute value; longer values are dropped with
// a note rather than carried into reports.
const maxValueBytes = 64 << 10

// FromEntries turns the entries of the CN=Microsoft Exchange,CN=Services
// subtree (and of Autodiscover SCPs elsewhere in the configuration) into an
// inventory. LDAP and LDIF readers share it, so both give the same answer.
func FromEntries(entries []Entry, origin inventory.Origin, f Filter) (*inventory.Org, error) {
	sorted := slices.Clone(entries)
	keys := make(map[string]string, len(sorted))
	for _, e := range sorted {
		keys[e.DN] = sortKey(e.DN)
	}
	slices.SortStableFunc(sorted, func(a, b Entry) int { return strings.Compare(keys[a.DN], keys[b.DN]) })

	c := &converter{
		origin:  origin,
		org:     &inventory.Org{},
		servers: map[string]*inventory.Server{},
		vdirs:   map[string]int{},
	}
	if err := c.findOrg(sorted); err != nil {
		return nil, err
	}
	parsed := make([]dnPath, len(sorted))
	for i, e := range sorted {
		p, ok := parseDN(e.DN)
		if !ok {
			c.note("directory-value-unsafe", fmt.Sprintf("entry with an unparsable DN %q was skipped", truncate(e.DN, 200)), inventory.Source{})
			continue
		}
		parsed[i] = p
		c.server(e, p)
	}
	for i, e := range sorted {
		if p := parsed[i]; p != nil {
			c.entry(e, p)
		}
	}
	c.checkReadable()
	return c.finish(f)
}

type converter struct {
	origin  inventory.Origin
	org     *inventory.Org
	servers map[string]*inventory.Server // by lower-cased name
	vdirs   map[string]int               // virtual directories seen, by lower-cased server name
}

func (c *converter) entry(e Entry, p dnPath) {
	switch {
	case e.IsA("msExchVirtualDirectory") && !e.IsA("container"):
		c.vdir(e, p)
	case e.IsA("serviceConnectionPoint"):
		c.scp(e, p)
	case e.IsA("msExchAutoDiscoverConfig"):
		c.provider(e, p)
	case e.IsA("protocolCfgPOPServer"):
		c.popImap(e, p, inventory.ServicePOP3)
	case e.IsA("protocolCfgIMAPServer"):
		c.popImap(e, p, inventory.ServiceIMAP4)
	case e.IsA("msExchSmtpReceiveConnector"):
		c.receiveConnector(e, p)
	case e.IsA("msExchAcceptedDomain"):
		c.acceptedDomain(e)
	case e.IsA("cRLDistributionPoint"):
		c.crl(e)
	}
}

// maxCRLBytes bounds a CRL read from the directory; enterprise CRLs run to
// a few megabytes.
const maxCRLBytes = 32 << 20

// crl keeps a CRL an enterprise CA published in the directory.
func (c *converter) crl(e Entry) {
	vs := e.Get("certificateRevocationList")
	if len(vs) == 0 || vs[0] == "" {
		return
	}
	if len(vs[0]) > maxCRLBytes {
		c.note("directory-value-unsafe", fmt.Sprintf("certificateRevocationList of %d bytes ignored (limit %d MB)", len(vs[0]), maxCRLBytes>>20),
			inventory.Source{DN: e.DN, Attribute: "certificateRevocationList"})
		return
	}
	if c.org.CRLs == nil {
		c.org.CRLs = map[string][]byte{}
	}
	c.org.CRLs[strings.ToLower(e.DN)] = []byte(vs[0])
}

// values returns the attribute's values, dropping oversized ones with a note.
func (c *converter) values(e Entry, attr string, src inventory.Source) []string {
	vs := e.Get(attr)
	out := vs[:0:0]
	for _, v := range vs {
		if len(v) > maxValueBytes {
			src.DN, src.Attribute = e.DN, attr
			c.note("directory-value-unsafe", fmt.Sprintf("%s value of %d bytes ignored (limit %d KB)", attr, len(v), maxValueBytes>>10), src)
			continue
		}
		out = append(out, v)
	}
	return out
}

func (c *converter) first(e Entry, attr string) string {
	if vs := c.values(e, attr, inventory.Source{Origin: c.origin}); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func (c *converter) note(code, msg string, src inventory.Source) {
	src.Origin = c.origin
	c.org.Notes = append(c.org.Notes, inventory.Note{Code: code, Message: msg, Source: src})
}

func (c *converter) endpoint(url string, src inventory.Source, sites []string) {
	src.Origin = c.origin
	c.org.Endpoints = append(c.org.Endpoints, inventory.Endpoint{URL: url, Source: src, SiteScope: sites})
}

// endpointFor records an endpoint that peer connects to.
func (c *converter) endpointFor(url string, src inventory.Source, peer inventory.Peer) {
	src.Origin = c.origin
	c.org.Endpoints = append(c.org.Endpoints, inventory.Endpoint{URL: url, Source: src, Peer: peer})
}

// serverName returns the server object's spelling of a name taken from a DN.
func (c *converter) serverName(name string) string {
	if s, ok := c.servers[strings.ToLower(name)]; ok {
		return s.Name
	}
	return name
}

func (c *converter) finish(f Filter) (*inventory.Org, error) {
	org := c.org
	keep := func(string) bool { return true }
	if len(f.Servers) > 0 {
		want := map[string]bool{}
		for _, n := range f.Servers {
			if _, ok := c.servers[strings.ToLower(n)]; !ok {
				return nil, &Error{Op: "select servers", Err: fmt.Errorf("no Exchange server named %q", n), Hint: "the organization has " + c.serverList()}
			}
			want[strings.ToLower(n)] = true
		}
		keep = func(s string) bool { return s == "" || want[strings.ToLower(s)] }
	}
	org.Servers = nil
	for _, s := range c.servers {
		if keep(s.Name) {
			org.Servers = append(org.Servers, *s)
		}
	}
	slices.SortFunc(org.Servers, func(a, b inventory.Server) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	org.Endpoints = slices.DeleteFunc(org.Endpoints, func(e inventory.Endpoint) bool {
		return !keep(e.Source.Server) ||
			f.NoInternal && e.Source.Scope == inventory.ScopeInternal ||
			f.NoExternal && e.Source.Scope == inventory.ScopeExternal
	})
	slices.SortStableFunc(org.Endpoints, compareEndpoints)
	org.Notes = slices.DeleteFunc(org.Notes, func(n inventory.Note) bool { return !keep(n.Source.Server) })
	org.PopImap = slices.DeleteFunc(org.PopImap, func(p inventory.PopImapSettings) bool { return !keep(p.Server) })
	org.ReceiveConnectors = slices.DeleteFunc(org.ReceiveConnectors, func(r inventory.ReceiveConnector) bool { return !keep(r.Server) })
	return org, nil
}

func (c *converter) serverList() string {
	var names []string
	for _, s := range c.servers {
		names = append(names, s.Name)
	}
	if len(names) == 0 {
		return "no servers that this account can read"
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

var serviceOrder = []inventory.Service{
	inventory.ServiceAutodiscoverSCP, inventory.ServiceEWS, inventory.ServiceOAB, inventory.ServiceUM,
	inventory.ServiceOWA, inventory.ServiceECP, inventory.ServiceActiveSync, inventory.ServiceMAPI,
	inventory.ServiceAutodiscover, inventory.ServiceOutlookAnywhere, inventory.ServicePowerShell,
	inventory.ServicePOP3, inventory.ServiceIMAP4, inventory.ServiceSMTP,
}

// compareEndpoints orders by server (organisation-wide last), service,
// object, scope (internal first) and URL.
func compareEndpoints(a, b inventory.Endpoint) int {
	as, bs := a.Source, b.Source
	if (as.Server == "") != (bs.Server == "") {
		if as.Server == "" {
			return 1
		}
		return -1
	}
	if c := strings.Compare(strings.ToLower(as.Server), strings.ToLower(bs.Server)); c != 0 {
		return c
	}
	if c := slices.Index(serviceOrder, as.Service) - slices.Index(serviceOrder, bs.Service); c != 0 {
		return c
	}
	if c := strings.Compare(strings.ToLower(as.Object), strings.ToLower(bs.Object)); c != 0 {
		return c
	}
	if c := scopeRank(as.Scope) - scopeRank(bs.Scope); c != 0 {
		return c
	}
	return strings.Compare(a.URL, b.URL)
}

func scopeRank(s inventory.Scope) int {
	switch s {
	case inventory.ScopeInternal:
		return 0
	case inventory.ScopeExternal:
		return 1
	}
	return 2
}
