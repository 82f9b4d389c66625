package ad

import (
	"context"
	"fmt"
	"time"

	"github.com/go-ldap/ldap/v3"
)

const (
	// pageSize is asked for in every paged search; AD caps pages at its
	// MaxPageSize (1000 by default).
	pageSize = 1000
	// maxPages stops a server that never ends a paged search.
	maxPages = 10_000
)

// searcher runs bounded searches on one connection and counts them.
type searcher struct {
	conn      *ldap.Conn
	timeLimit int // seconds, sent to the server
	stats     *Stats
}

func newSearcher(conn *ldap.Conn, timeout time.Duration, stats *Stats) *searcher {
	return &searcher{conn: conn, timeLimit: max(1, int(timeout/time.Second)), stats: stats}
}

// search runs one RFC 2696 paged search. It does not use go-ldap's
// SearchWithPaging, which neither counts pages nor stops a server that
// hands back the same cookie forever.
func (s *searcher) search(ctx context.Context, base string, scope int, filter string, attrs []string) ([]Entry, error) {
	s.stats.Searches++
	paging := ldap.NewControlPaging(pageSize)
	req := ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, s.timeLimit, false, filter, attrs, []ldap.Control{paging})
	var out []Entry
	seen := map[string]bool{}
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		res, err := s.conn.Search(req)
		s.stats.Pages++
		if res != nil {
			for _, e := range res.Entries {
				out = append(out, fromLDAP(e))
			}
			s.stats.Entries += len(res.Entries)
		}
		if s.stats.Entries > maxEntries {
			return out, fmt.Errorf("more than %d entries in all: stopped", maxEntries)
		}
		if err != nil {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			return out, err
		}
		c, _ := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging)
		if c == nil || len(c.Cookie) == 0 {
			return out, nil
		}
		if seen[string(c.Cookie)] || page >= maxPages {
			return out, fmt.Errorf("the DC keeps the paged search going (page %d, cookie repeated or too many pages): stopped", page)
		}
		seen[string(c.Cookie)] = true
		paging.SetCookie(c.Cookie)
	}
}

// base reads one object without paging (the RootDSE).
func (s *searcher) base(dn string, attrs []string) (Entry, error) {
	s.stats.Searches++
	s.stats.Pages++
	req := ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, s.timeLimit, false, "(objectClass=*)", attrs, nil)
	res, err := s.conn.Search(req)
	if err != nil {
		return Entry{}, err
	}
	if len(res.Entries) == 0 {
		return Entry{DN: dn}, nil
	}
	return fromLDAP(res.Entries[0]), nil
}

func fromLDAP(e *ldap.Entry) Entry {
	out := Entry{DN: e.DN, Attrs: make([]Attr, 0, len(e.Attributes))}
	for _, a := range e.Attributes {
		out.Attrs = append(out.Attrs, Attr{Name: a.Name, Values: a.Values})
	}
	return out
}
