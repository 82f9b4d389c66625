package ad

import (
	"context"
	"fmt"
	"strings"
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

// errTooMuchData: the DC sent more than maxKeptBytes of what exdiag reads.
var errTooMuchData = fmt.Errorf("the DC sent more than %d MB of Exchange configuration: stopped", maxKeptBytes>>20)

// searcher runs bounded searches on one connection and counts them. It
// keeps each entry as it arrives, and of it only the attributes asked for.
type searcher struct {
	conn      *ldap.Conn
	guard     *guardConn
	timeLimit int // seconds, sent to the server
	stats     *Stats
	kept      int64 // bytes kept, over all searches
	strs      interner
}

func newSearcher(s *session, timeout time.Duration, stats *Stats) *searcher {
	return &searcher{conn: s.conn, guard: s.guard, timeLimit: max(1, int(timeout/time.Second)), stats: stats}
}

// search runs one RFC 2696 paged search. It does not use go-ldap's
// SearchWithPaging, which neither counts pages nor stops a server that
// hands back the same cookie forever, and keeps every page whole.
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
		s.stats.Pages++
		controls, err := s.page(ctx, req, &out)
		if err != nil {
			return out, err
		}
		c, _ := ldap.FindControl(controls, ldap.ControlTypePaging).(*ldap.ControlPaging)
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

// page sends one request and keeps its entries as they arrive; it returns
// the controls of the answer's end.
func (s *searcher) page(ctx context.Context, req *ldap.SearchRequest, out *[]Entry) ([]ldap.Control, error) {
	s.guard.reset()
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	res := s.conn.SearchAsync(pctx, req, 0)
	for res.Next() {
		if e := res.Entry(); e != nil {
			entry, err := s.keep(e, req.Attributes)
			if err != nil {
				return nil, err
			}
			*out = append(*out, entry)
		}
	}
	switch {
	case res.Err() != nil:
		return nil, s.cause(res.Err())
	case ctx.Err() != nil:
		return nil, ctx.Err()
	}
	return res.Controls(), nil
}

// keep converts an entry, counts it against the limits and takes what
// the guard left out of it.
func (s *searcher) keep(e *ldap.Entry, asked []string) (Entry, error) {
	s.stats.Entries++
	if s.stats.Entries > maxEntries {
		return Entry{}, fmt.Errorf("more than %d entries in all: stopped", maxEntries)
	}
	out := Entry{DN: e.DN, Skipped: s.guard.take(e.DN)}
	size := int64(len(e.DN) + 64)
	// The entry's attributes and values take one allocation each, and
	// names and short values are shared with earlier entries: go-ldap's
	// are dropped with the page.
	nattrs, nvalues := 0, 0
	for _, a := range e.Attributes {
		if askedFor(asked, a.Name) {
			nattrs++
			nvalues += len(a.Values)
		}
	}
	if nattrs == 0 {
		return s.count(out, size)
	}
	out.Attrs = make([]Attr, 0, nattrs)
	values := make([]string, 0, nvalues)
	for _, a := range e.Attributes {
		if !askedFor(asked, a.Name) {
			continue
		}
		name, first := s.strs.string(a.Name), len(values)
		for _, v := range a.Values {
			if int64(len(v)) > valueLimit(a.Name) {
				out.Skipped = addSkipped(out.Skipped, Skipped{Attr: name, Bytes: int64(len(v))})
				continue
			}
			values = append(values, s.strs.string(v))
			size += int64(len(v) + 16)
		}
		kept := Attr{Name: name}
		if len(values) > first {
			kept.Values = values[first:len(values):len(values)]
		}
		out.Attrs = append(out.Attrs, kept)
		size += int64(len(a.Name) + 40)
	}
	return s.count(out, size)
}

// count adds an entry's size to what the searches kept, within
// maxKeptBytes.
func (s *searcher) count(e Entry, size int64) (Entry, error) {
	if s.kept += size; s.kept > maxKeptBytes {
		return Entry{}, errTooMuchData
	}
	return e, nil
}

// base reads one object without paging (the RootDSE).
func (s *searcher) base(dn string, attrs []string) (Entry, error) {
	s.stats.Searches++
	s.stats.Pages++
	s.guard.reset()
	req := ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, s.timeLimit, false, "(objectClass=*)", attrs, nil)
	res, err := s.conn.Search(req)
	if err != nil {
		return Entry{}, s.cause(err)
	}
	if len(res.Entries) == 0 {
		return Entry{DN: dn}, nil
	}
	return s.keep(res.Entries[0], attrs)
}

// cause is the guard's reason when it ended the connection, else err.
func (s *searcher) cause(err error) error {
	if g := s.guard.failure(); g != nil {
		return g
	}
	return err
}

// askedFor reports whether name, without options (";range=…"), is one
// of asked.
func askedFor(asked []string, name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] == ';' {
			name = name[:i]
			break
		}
	}
	for _, a := range asked {
		if strings.EqualFold(a, name) {
			return true
		}
	}
	return false
}
