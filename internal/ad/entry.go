// Package ad reads where Exchange publishes its URLs from Active Directory,
// over LDAP or from an ldifde export, into an inventory.Org.
//
// The package only reads: no code path adds, modifies, renames or deletes a
// directory object.
package ad

import (
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// Attr is one attribute of an entry, named as the directory spells it.
type Attr struct {
	Name   string
	Values []string
}

// Entry is one directory object, read over LDAP or from an LDIF file.
type Entry struct {
	DN    string
	Attrs []Attr
	// Skipped are the values of attributes exdiag reads that the reader
	// measured and left out, too large to keep (see limits.go).
	Skipped []Skipped
}

// Skipped is an attribute value left out of an Entry, and its size.
type Skipped struct {
	Attr  string
	Bytes int64
}

// Get returns every value of the attribute name. AD attribute names are
// case-insensitive, so the comparison is too.
func (e Entry) Get(name string) []string {
	var out []string
	for _, a := range e.Attrs {
		if strings.EqualFold(a.Name, name) {
			out = append(out, a.Values...)
		}
	}
	return out
}

// First returns the first value of the attribute name, or "".
func (e Entry) First(name string) string {
	for _, a := range e.Attrs {
		if strings.EqualFold(a.Name, name) && len(a.Values) > 0 {
			return a.Values[0]
		}
	}
	return ""
}

// IsA reports whether the entry's objectClass holds class.
func (e Entry) IsA(class string) bool {
	for _, a := range e.Attrs {
		if !strings.EqualFold(a.Name, "objectClass") {
			continue
		}
		for _, v := range a.Values {
			if strings.EqualFold(v, class) {
				return true
			}
		}
	}
	return false
}

// rdn is one relative DN component, such as CN=Protocols.
type rdn struct{ typ, val string }

// dnPath is a parsed DN, leaf first.
type dnPath []rdn

// parseDN splits a DN into its components. Multi-valued RDNs keep their
// first value; AD does not use them.
func parseDN(s string) (dnPath, bool) { return parseDNInto(nil, s) }

// parseDNInto is parseDN reusing p's array when it is large enough; the
// result shares it.
func parseDNInto(p dnPath, s string) (dnPath, bool) {
	if p, ok := parsePlainDN(p[:0], s); ok {
		return p, true
	}
	return parseDNSlow(s)
}

// parseDNSlow is go-ldap's general DN parser.
func parseDNSlow(s string) (dnPath, bool) {
	d, err := ldap.ParseDN(s)
	if err != nil || len(d.RDNs) == 0 {
		return nil, false
	}
	p := make(dnPath, 0, len(d.RDNs))
	for _, r := range d.RDNs {
		if len(r.Attributes) == 0 {
			return nil, false
		}
		p = append(p, rdn{r.Attributes[0].Type, r.Attributes[0].Value})
	}
	return p, true
}

func (r rdn) is(val string) bool {
	return strings.EqualFold(r.typ, "CN") && strings.EqualFold(r.val, val)
}

// at returns the i-th component counted from the leaf, or a zero rdn.
func (p dnPath) at(i int) rdn {
	if i < 0 || i >= len(p) {
		return rdn{}
	}
	return p[i]
}

// index returns the position of the first CN=val from the leaf, or -1.
func (p dnPath) index(val string) int {
	for i, r := range p {
		if r.is(val) {
			return i
		}
	}
	return -1
}

// server names the Exchange server an object belongs to: the component
// right above CN=Protocols (CN=EWS (Default Web Site),CN=HTTP,CN=Protocols,CN=EX01,…).
func (p dnPath) server() string {
	if i := p.index("Protocols"); i >= 0 {
		return p.at(i + 1).val
	}
	return ""
}

// key orders DNs parent first, siblings by name, case-insensitively.
func (p dnPath) key() string {
	n := 0
	for _, r := range p {
		n += len(r.typ) + len(r.val) + 2
	}
	var b strings.Builder
	b.Grow(n)
	for i := len(p) - 1; i >= 0; i-- {
		writeLower(&b, p[i].typ)
		b.WriteByte('=')
		writeLower(&b, p[i].val)
		b.WriteByte(0)
	}
	return b.String()
}

// writeLower writes strings.ToLower(s) without making it first when s is
// ASCII.
func writeLower(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			b.WriteString(strings.ToLower(s))
			return
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
}

// parsePlainDN splits a DN without escapes, quotes or multi-valued RDNs
// (almost every DN Exchange writes) without go-ldap's general parser,
// which dominates discovery time in large organisations, into p's array.
// It declines anything else.
func parsePlainDN(p dnPath, s string) (dnPath, bool) {
	if s == "" || strings.ContainsAny(s, "\\\"+#;<>") {
		return p, false
	}
	p = slices.Grow(p[:0], strings.Count(s, ",")+1)
	for part := range strings.SplitSeq(s, ",") {
		t, v, ok := strings.Cut(part, "=")
		t, v = strings.TrimSpace(t), strings.TrimSpace(v)
		if !ok || t == "" || strings.Contains(v, "=") {
			return p, false
		}
		p = append(p, rdn{t, v})
	}
	return p, true
}
