package lab

import (
	"encoding/base64"
	"strings"
)

// ldifWriter collects directory entries in order, each attribute's values
// in the order given, and renders them as LDIF (RFC 2849).
type ldifWriter struct {
	comments []string
	entries  []LDAPEntry
}

func (w *ldifWriter) comment(s string) { w.comments = append(w.comments, s) }

// entry starts an entry of the classes given, with the cn its DN names.
func (w *ldifWriter) entry(dn string, classes ...string) {
	w.entries = append(w.entries, LDAPEntry{DN: dn})
	for _, c := range classes {
		w.attr("objectClass", c)
	}
	if cn, _, ok := strings.Cut(strings.TrimPrefix(dn, "CN="), ","); ok && strings.HasPrefix(dn, "CN=") {
		w.attr("cn", cn)
	}
}

func (w *ldifWriter) attrIf(name, value string) {
	if value != "" {
		w.attr(name, value)
	}
}

// attr adds a value to the last entry's attribute name.
func (w *ldifWriter) attr(name, value string) {
	e := &w.entries[len(w.entries)-1]
	for i := range e.Attrs {
		if e.Attrs[i].Name == name {
			e.Attrs[i].Values = append(e.Attrs[i].Values, value)
			return
		}
	}
	e.Attrs = append(e.Attrs, LDAPAttr{Name: name, Values: []string{value}})
}

// String renders the entries: values that are not safe strings are
// base64-encoded.
func (w *ldifWriter) String() string {
	var b strings.Builder
	b.WriteString("version: 1\n")
	for _, c := range w.comments {
		b.WriteString("# " + c + "\n")
	}
	line := func(name, value string) {
		if safeLDIF(value) {
			b.WriteString(name + ": " + value + "\n")
			return
		}
		b.WriteString(name + ":: " + base64.StdEncoding.EncodeToString([]byte(value)) + "\n")
	}
	for _, e := range w.entries {
		b.WriteString("\n")
		line("dn", e.DN)
		for _, a := range e.Attrs {
			for _, v := range a.Values {
				line(a.Name, v)
			}
		}
	}
	return b.String()
}

// safeLDIF reports an RFC 2849 SAFE-STRING.
func safeLDIF(s string) bool {
	if s == "" {
		return true
	}
	if c := s[0]; c == ' ' || c == ':' || c == '<' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0 || c == '\n' || c == '\r' || c > 127 {
			return false
		}
	}
	return true
}
