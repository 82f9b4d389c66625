package ad

import (
	"fmt"
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/safetext"
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

// FromEntries turns the entries of the CN=Microsoft Exchange,CN=Services
// subtree (and of Autodiscover SCPs elsewhere in the configuration) into an
// inventory. LDAP and LDIF readers share it, so both give the same answer.
func FromEntries(entries []Entry, origin inventory.Origin, f Filter) (*inventory.Org, error) {
	// Each pass parses the DNs again into one reused path: keeping every
	// parsed path would hold 40,000 of them (18 MB at 5,000 servers).
	var p dnPath
	objs := make([]object, len(entries))
	for i := range entries {
		o := &objs[i]
		o.e = &entries[i]
		var ok bool
		if p, ok = parseDNInto(p, o.e.DN); ok {
			o.parsed, o.key = true, p.key()
		} else {
			o.key = "\xff" + strings.ToLower(o.e.DN)
		}
	}
	slices.SortStableFunc(objs, func(a, b object) int { return strings.Compare(a.key, b.key) })
	for i := range objs {
		objs[i].key = ""
	}

	c := &converter{
		origin:  origin,
		org:     &inventory.Org{},
		servers: map[string]*inventory.Server{},
		vdirs:   map[string]int{},
	}
	if err := c.findOrg(objs); err != nil {
		return nil, err
	}
	for _, o := range objs {
		if !o.parsed {
			msg := fmt.Sprintf("entry with an unparsable DN %q was skipped", truncate(o.e.DN, 200))
			if o.e.DN == "" && len(o.e.Skipped) > 0 && o.e.Skipped[0].Attr == "dn" {
				msg = fmt.Sprintf("entry with a DN of %d bytes was skipped (limit %d KB)", o.e.Skipped[0].Bytes, maxValueBytes>>10)
			}
			c.note(catalog.DirectoryValueUnsafe, msg, inventory.Source{})
			continue
		}
		if o.e.IsA("msExchExchangeServer") {
			p, _ = parseDNInto(p, o.e.DN)
			c.server(*o.e, p)
		}
	}
	for _, o := range objs {
		if o.parsed {
			p, _ = parseDNInto(p, o.e.DN)
			c.entry(*o.e, p)
		}
	}
	c.checkReadable()
	return c.finish(f)
}

// object is an entry, whether its DN parses, and its place in DN order
// (the key, until sorted).
type object struct {
	e      *Entry
	parsed bool
	key    string
}

type converter struct {
	origin  inventory.Origin
	org     *inventory.Org
	servers map[string]*inventory.Server // by lower-cased name
	vdirs   map[string]int               // virtual directories seen, by lower-cased server name
	// endpoints are kept in fixed chunks until finish copies those the
	// filter keeps into one slice of the exact size: a slice grown by
	// appending holds up to twice its length (20 MB instead of 12 at
	// 5,000 servers, 65,000 endpoints).
	endpoints [][]inventory.Endpoint
}

// endpointChunk is the number of endpoints of one chunk (184 KB).
const endpointChunk = 1024

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
	case e.IsA("msExchRoutingSMTPConnector"):
		c.sendConnector(e, p)
	case e.IsA("site"):
		c.site(p)
	case e.IsA("msExchFedTrust"):
		c.federationTrust(e, p)
	case e.IsA("msExchAuthAuthConfig"):
		c.authConfig(e)
	}
}

// crl keeps a CRL an enterprise CA published in the directory.
func (c *converter) crl(e Entry) {
	vs := e.Get("certificateRevocationList")
	if len(vs) == 0 || vs[0] == "" {
		return
	}
	// A larger CRL was left out by the reader (Entry.Skipped) without a
	// note: it is not unsafe, only unread, and the revocation check says
	// so for its distribution point.
	if int64(len(vs[0])) > maxCRLBytes {
		return
	}
	if c.org.CRLs == nil {
		c.org.CRLs = map[string][]byte{}
	}
	c.org.CRLs[strings.ToLower(e.DN)] = []byte(vs[0])
}

// values returns the attribute's values, dropping oversized ones with a
// note, as it does for those the reader left out (Entry.Skipped).
func (c *converter) values(e Entry, attr string, src inventory.Source) []string {
	vs := e.Get(attr)
	out := vs[:0:0]
	src.DN, src.Attribute = e.DN, attr
	for _, v := range vs {
		if len(v) > maxValueBytes {
			c.tooLarge(attr, int64(len(v)), src)
			continue
		}
		out = append(out, v)
	}
	for _, s := range e.Skipped {
		if strings.EqualFold(s.Attr, attr) {
			c.tooLarge(attr, s.Bytes, src)
		}
	}
	return out
}

func (c *converter) tooLarge(attr string, size int64, src inventory.Source) {
	msg := fmt.Sprintf("%s value of %d bytes ignored (limit %d KB)", attr, size, maxValueBytes>>10)
	if size <= maxValueBytes {
		msg = fmt.Sprintf("%s value of %d bytes ignored: the object holds more than %d MB", attr, size, maxObjectBytes>>20)
	}
	c.note(catalog.DirectoryValueUnsafe, msg, src)
}

func (c *converter) first(e Entry, attr string) string {
	if vs := c.values(e, attr, inventory.Source{Origin: c.origin}); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func (c *converter) note(code catalog.Code, msg string, src inventory.Source) {
	src.Origin = c.origin
	c.org.Notes = append(c.org.Notes, inventory.Note{Code: string(code), Message: msg, Source: src})
}

func (c *converter) endpoint(url string, src inventory.Source, sites []string) {
	c.endpointFor(url, src, inventory.PeerClients)
	c.last().SiteScope = sites
}

// endpointFor records an endpoint that peer connects to.
func (c *converter) endpointFor(url string, src inventory.Source, peer inventory.Peer) {
	src.Origin = c.origin
	n := len(c.endpoints)
	if n == 0 || len(c.endpoints[n-1]) == endpointChunk {
		c.endpoints = append(c.endpoints, make([]inventory.Endpoint, 0, endpointChunk))
		n++
	}
	// A URL with a password in it is invalid for Exchange (url-invalid); the
	// report must not carry the password.
	c.endpoints[n-1] = append(c.endpoints[n-1], inventory.Endpoint{URL: safetext.MaskURLPassword(url), Source: src, Peer: peer})
}

// last is the endpoint recorded last.
func (c *converter) last() *inventory.Endpoint {
	chunk := c.endpoints[len(c.endpoints)-1]
	return &chunk[len(chunk)-1]
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
	kept := func(e *inventory.Endpoint) bool {
		return keep(e.Source.Server) &&
			!(f.NoInternal && e.Source.Scope == inventory.ScopeInternal) &&
			!(f.NoExternal && e.Source.Scope == inventory.ScopeExternal)
	}
	n := 0
	for _, chunk := range c.endpoints {
		for i := range chunk {
			if kept(&chunk[i]) {
				n++
			}
		}
	}
	if len(c.endpoints) > 0 {
		org.Endpoints = make([]inventory.Endpoint, 0, n)
	}
	for k, chunk := range c.endpoints {
		for i := range chunk {
			if kept(&chunk[i]) {
				org.Endpoints = append(org.Endpoints, chunk[i])
			}
		}
		c.endpoints[k] = nil
	}
	slices.SortStableFunc(org.Endpoints, compareEndpoints)
	org.Notes = slices.DeleteFunc(org.Notes, func(n inventory.Note) bool { return !keep(n.Source.Server) })
	org.PopImap = slices.DeleteFunc(org.PopImap, func(p inventory.PopImapSettings) bool { return !keep(p.Server) })
	org.ReceiveConnectors = slices.DeleteFunc(org.ReceiveConnectors, func(r inventory.ReceiveConnector) bool { return !keep(r.Server) })
	org.SendConnectors = slices.DeleteFunc(org.SendConnectors, func(s inventory.SendConnector) bool {
		return len(s.SourceServers) > 0 && !slices.ContainsFunc(s.SourceServers, keep)
	})
	slices.SortFunc(org.Sites, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	org.Sites = slices.CompactFunc(org.Sites, strings.EqualFold)
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

// grow doubles s's capacity when s is full. append grows large slices by
// a quarter at a time, which allocates five times their final size in all.
func grow[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	return slices.Grow(s, max(cap(s), 16))
}
