package lab

import (
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// pagingControl is the paged results control of a request (RFC 2696):
// realSearchControlValue ::= SEQUENCE { size INTEGER, cookie OCTET STRING }.
type pagingControl struct {
	size   int64
	cookie []byte
}

// pagedSearch is a connection's last search and its matches.
type pagedSearch struct {
	key  string
	hits []*LDAPEntry
}

// parsePaging returns the request's paged results control, or nil.
func parsePaging(req *ldapRequest) (*pagingControl, error) {
	c, ok := req.control(ldap.ControlTypePaging)
	if !ok {
		return nil, nil
	}
	bad := fmt.Errorf("%w: bad paged results control", errMalformed)
	v, err := decodeBER(c.value)
	if err != nil || !isUniversal(v, ber.TypeConstructed, ber.TagSequence) || len(v.Children) != 2 {
		return nil, bad
	}
	size, okSize := integer(v.Children[0], ber.TagInteger)
	cookie, okCookie := octets(v.Children[1])
	if !okSize || !okCookie || size < 0 {
		return nil, bad
	}
	return &pagingControl{size: size, cookie: []byte(cookie)}, nil
}

// pageResult is what a search sends: entries, then its result and the
// controls of the SearchResultDone.
type pageResult struct {
	entries    []*LDAPEntry
	code       int
	diagnostic string
	controls   []*ber.Packet
}

// page applies RFC 2696 paging (the cookie is an offset, bound to the
// search) and AD's MaxPageSize and the request's size limit.
func (s *LDAPServer) page(hits []*LDAPEntry, m *searchRequest, paging *pagingControl) pageResult {
	maxPage := s.spec.MaxPageSize
	r := pageResult{code: ldap.LDAPResultSuccess}
	if paging == nil {
		if len(hits) > maxPage {
			hits, r.code = hits[:maxPage], ldap.LDAPResultSizeLimitExceeded
		}
	} else {
		size := int(min(int64(maxPage), paging.size))
		tag := fmt.Sprintf(":%08x", crc32.ChecksumIEEE([]byte(m.key())))
		start := 0
		switch {
		case paging.size == 0: // the client abandons the search
			r.controls = []*ber.Packet{pagingResponse(nil)}
			return r
		case s.spec.RepeatCookie:
		case len(paging.cookie) > 0:
			n, err := strconv.Atoi(strings.TrimSuffix(string(paging.cookie), tag))
			if err != nil || !strings.HasSuffix(string(paging.cookie), tag) || n < 0 || n > len(hits) {
				r.code, r.diagnostic = ldap.LDAPResultUnwillingToPerform, "invalid paging cookie"
				return r
			}
			start = n
		}
		end := min(start+size, len(hits))
		var next []byte
		switch {
		case s.spec.RepeatCookie:
			next = []byte("0" + tag)
		case end < len(hits):
			next = []byte(strconv.Itoa(end) + tag)
		}
		r.controls = []*ber.Packet{pagingResponse(next)}
		hits = hits[start:end]
	}
	if m.sizeLimit > 0 && int64(len(hits)) > m.sizeLimit {
		hits, r.code = hits[:m.sizeLimit], ldap.LDAPResultSizeLimitExceeded
	}
	r.entries = hits
	return r
}

// pagingResponse is the paged results control of a SearchResultDone: the
// size estimate (0, unknown) and the cookie of the next page, empty at the
// end.
func pagingResponse(cookie []byte) *ber.Packet {
	v := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "realSearchControlValue")
	v.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(0), "size"))
	v.AppendChild(octetString(string(cookie)))
	return control(ldap.ControlTypePaging, v.Bytes())
}
