package lab

import (
	"strconv"
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// searchRequest is what the lab reads of a SearchRequest ([APPLICATION 3]
// SEQUENCE { baseObject, scope, derefAliases, sizeLimit, timeLimit,
// typesOnly, filter, attributes }, RFC 4511 4.5.1). Aliases and time
// limits mean nothing to it.
type searchRequest struct {
	base      string
	scope     int64 // 0 base, 1 one level, 2 subtree
	sizeLimit int64
	typesOnly bool
	filter    *ber.Packet
	attrs     []string
}

func parseSearch(op *ber.Packet) (*searchRequest, error) {
	bad := errMalformedOp(op)
	if op.TagType != ber.TypeConstructed || len(op.Children) != 8 {
		return nil, bad
	}
	f := op.Children
	var m searchRequest
	var ok [6]bool
	m.base, ok[0] = octets(f[0])
	m.scope, ok[1] = integer(f[1], ber.TagEnumerated)
	_, ok[2] = integer(f[2], ber.TagEnumerated)
	m.sizeLimit, ok[3] = integer(f[3], ber.TagInteger)
	_, ok[4] = integer(f[4], ber.TagInteger)
	m.typesOnly, ok[5] = boolean(f[5])
	if ok != [6]bool{true, true, true, true, true, true} || m.scope < 0 || m.scope > 2 {
		return nil, bad
	}
	if err := checkFilter(f[6]); err != nil {
		return nil, err
	}
	m.filter = f[6]
	if !isUniversal(f[7], ber.TypeConstructed, ber.TagSequence) {
		return nil, bad
	}
	for _, a := range f[7].Children {
		name, ok := octets(a)
		if !ok {
			return nil, bad
		}
		m.attrs = append(m.attrs, name)
	}
	return &m, nil
}

// key names the search for paging: the same base, scope and filter.
func (m *searchRequest) key() string {
	return m.base + "\x00" + strconv.FormatInt(m.scope, 10) + "\x00" + string(m.filter.Bytes())
}

// search answers a SearchRequest: the RootDSE to anyone, the directory to
// bound connections (or to all with AllowAnonymous), a page at a time
// with the paged results control.
func (c *ldapConn) search(req *ldapRequest) error {
	s := c.srv
	s.countSearch()
	m, err := parseSearch(req.op)
	if err != nil {
		return err
	}
	paging, err := parsePaging(req)
	if err != nil {
		return err
	}
	done := func(code int, matchedDN, diagnostic string, controls ...*ber.Packet) error {
		return c.send(req.id, ldapResult(applicationSearchDone, code, matchedDN, diagnostic), controls...)
	}
	if m.base == "" && m.scope == 0 {
		if ldapMatch(m.filter, &s.rootDSE) {
			if err := c.send(req.id, entryResponse(m, &s.rootDSE)); err != nil {
				return err
			}
		}
		return done(ldap.LDAPResultSuccess, "", "")
	}
	if !c.bound && !s.spec.AllowAnonymous {
		return done(ldap.LDAPResultOperationsError, "", msgBindRequired)
	}
	base, err := ldap.ParseDN(m.base)
	if err != nil {
		return done(ldap.LDAPResultInvalidDNSyntax, "", "")
	}
	if m.base != "" && !s.exists(base) {
		return done(ldap.LDAPResultNoSuchObject, s.closest(base), "")
	}
	r := s.page(c.matches(m, base, paging), m, paging)
	for _, e := range r.entries {
		if err := c.send(req.id, entryResponse(m, e)); err != nil {
			return err
		}
	}
	return done(r.code, "", r.diagnostic, r.controls...)
}

// matches returns the entries the search finds. A paged search asks again
// for every page; its matches are computed once per connection, as AD
// keeps a paged search's state, so large organisations do not cost pages
// × entries.
func (c *ldapConn) matches(m *searchRequest, base *ldap.DN, paging *pagingControl) []*LDAPEntry {
	key := m.key()
	if paging != nil && len(paging.cookie) > 0 && c.paged.key == key {
		return c.paged.hits
	}
	var hits []*LDAPEntry
	for i := range c.srv.entries {
		e := &c.srv.entries[i]
		if inScope(e.dn, base, m.scope) && ldapMatch(m.filter, &e.LDAPEntry) {
			hits = append(hits, &e.LDAPEntry)
		}
	}
	c.paged = pagedSearch{key: key, hits: hits} // one search in progress per connection
	return hits
}

func (s *LDAPServer) exists(dn *ldap.DN) bool {
	for i := range s.entries {
		if s.entries[i].dn.EqualFold(dn) {
			return true
		}
	}
	return false
}

// closest returns the nearest existing ancestor, AD's matchedDN.
func (s *LDAPServer) closest(dn *ldap.DN) string {
	best, bestLen := "", -1
	for i := range s.entries {
		e := &s.entries[i]
		if e.dn.AncestorOfFold(dn) && len(e.dn.RDNs) > bestLen {
			best, bestLen = e.DN, len(e.dn.RDNs)
		}
	}
	return best
}

// entryResponse returns the requested attributes ("*" or none: all; "1.1":
// none) with the names as stored, whatever casing the client asked for.
func entryResponse(m *searchRequest, e *LDAPEntry) *ber.Packet {
	all := len(m.attrs) == 0
	for _, a := range m.attrs {
		all = all || a == "*"
	}
	attrs := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "attributes")
	for _, a := range e.Attrs {
		want := all
		for _, q := range m.attrs {
			if i := strings.IndexByte(q, ';'); i > 0 {
				q = q[:i]
			}
			want = want || strings.EqualFold(q, a.Name)
		}
		if !want {
			continue
		}
		attr := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "PartialAttribute")
		attr.AppendChild(octetString(a.Name))
		vals := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "vals")
		if !m.typesOnly {
			for _, v := range a.Values {
				vals.AppendChild(octetString(v))
			}
		}
		attr.AppendChild(vals)
		attrs.AppendChild(attr)
	}
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, applicationSearchEntry, nil, "SearchResultEntry")
	op.AppendChild(octetString(e.DN))
	op.AppendChild(attrs)
	return op
}
