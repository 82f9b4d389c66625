package samba

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// change is one record of a change LDIF: an add, or a modify made of
// operations.
type change struct {
	dn    string
	add   []ldap.Attribute
	mods  []ldap.Change
	isAdd bool
}

// applySchema sends the schema LDIF's records in order. DC=X in a DN
// stands for the forest root, as in Microsoft's schema files; "dn:" with no
// value is the RootDSE (schemaUpdateNow).
func applySchema(c *ldap.Conn, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	changes, err := parseChanges(strings.ReplaceAll(string(data), "DC=X\n", BaseDN+"\n"))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, ch := range changes {
		if ch.isAdd {
			req := ldap.NewAddRequest(ch.dn, nil)
			req.Attributes = ch.add
			err = c.Add(req)
		} else {
			req := ldap.NewModifyRequest(ch.dn, nil)
			req.Changes = ch.mods
			err = c.Modify(req)
			if ldap.IsErrorWithCode(err, ldap.LDAPResultAttributeOrValueExists) {
				err = nil
			}
		}
		if err != nil {
			return fmt.Errorf("load the Exchange schema: %q: %w", ch.dn, err)
		}
	}
	return nil
}

// parseChanges reads the subset of RFC 2849 the schema file uses:
// "changetype: add" and "changetype: modify" records with add and replace
// operations, comments, and base64 values. Lines are not folded.
func parseChanges(text string) ([]change, error) {
	var out []change
	for n, rec := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		var lines []string
		for _, l := range strings.Split(rec, "\n") {
			if l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "version:") {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			continue
		}
		if len(lines) < 2 || !strings.HasPrefix(lines[0], "dn:") || !strings.HasPrefix(lines[1], "changetype:") {
			return nil, fmt.Errorf("record %d: want dn: and changetype: lines first", n+1)
		}
		ch := change{dn: strings.TrimSpace(strings.TrimPrefix(lines[0], "dn:"))}
		var op *ldap.Change
		for _, l := range lines[2:] {
			if l == "-" {
				op = nil
				continue
			}
			name, value, err := splitLine(l)
			if err != nil {
				return nil, fmt.Errorf("record %d (%s): %w", n+1, ch.dn, err)
			}
			switch {
			case strings.HasSuffix(lines[1], " add"):
				ch.isAdd = true
				ch.add = appendValue(ch.add, name, value)
			case op == nil && (name == "add" || name == "replace"):
				kind := uint(ldap.AddAttribute)
				if name == "replace" {
					kind = ldap.ReplaceAttribute
				}
				ch.mods = append(ch.mods, ldap.Change{Operation: kind, Modification: ldap.PartialAttribute{Type: value}})
				op = &ch.mods[len(ch.mods)-1]
			case op != nil && strings.EqualFold(name, op.Modification.Type):
				op.Modification.Vals = append(op.Modification.Vals, value)
			default:
				return nil, fmt.Errorf("record %d (%s): unexpected %q", n+1, ch.dn, l)
			}
		}
		out = append(out, ch)
	}
	return out, nil
}

func splitLine(l string) (name, value string, err error) {
	name, value, ok := strings.Cut(l, ":")
	if !ok {
		return "", "", fmt.Errorf("%q is not name: value", l)
	}
	if b64, ok := strings.CutPrefix(value, ":"); ok {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		return name, string(raw), err
	}
	return name, strings.TrimSpace(value), nil
}

func appendValue(attrs []ldap.Attribute, name, value string) []ldap.Attribute {
	for i := range attrs {
		if strings.EqualFold(attrs[i].Type, name) {
			attrs[i].Vals = append(attrs[i].Vals, value)
			return attrs
		}
	}
	return append(attrs, ldap.Attribute{Type: name, Vals: []string{value}})
}
