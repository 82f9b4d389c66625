package ad

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
)

const (
	// maxLDIFBytes bounds the file read by ReadLDIF.
	maxLDIFBytes = 512 << 20
	// maxEntries bounds the entries one read returns, from LDAP or LDIF.
	maxEntries = 200_000
)

// ReadLDIF reads an ldifde export (ldifde -f exchange.ldf -d "CN=Microsoft
// Exchange,CN=Services,CN=Configuration,DC=…") into entries. It accepts
// UTF-8 with or without a byte order mark and UTF-16 with one (ldifde -u),
// CRLF or LF line ends, comments, folded lines, base64 values and
// "changetype: add" records.
func ReadLDIF(r io.Reader) ([]Entry, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxLDIFBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read ldif: %w", err)
	}
	if len(raw) > maxLDIFBytes {
		return nil, fmt.Errorf("read ldif: file larger than %d MB", maxLDIFBytes>>20)
	}
	p := ldifParser{}
	for _, l := range unfold(decodeText(raw)) {
		if err := p.line(l); err != nil {
			return nil, fmt.Errorf("ldif line %d: %w", l.n, err)
		}
	}
	p.flush()
	return p.entries, nil
}

// decodeText turns the file into UTF-8 text, following its byte order mark.
func decodeText(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return string(b[3:])
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return utf16Text(b[2:], false)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return utf16Text(b[2:], true)
	case len(b) >= 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		// UTF-16LE without a byte order mark: ASCII text with every other byte 0.
		return utf16Text(b, false)
	}
	return string(b)
}

func utf16Text(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u))
}

// logicalLine is an unfolded line and the number of its first physical line.
type logicalLine struct {
	text string
	n    int
}

// unfold joins continuation lines (RFC 2849: a line starting with one space
// continues the previous one) and drops CRs.
func unfold(text string) []logicalLine {
	var out []logicalLine
	// A value folded over many lines is joined once, not line by line:
	// appending to a string each time would be quadratic.
	var folded strings.Builder
	flush := func() {
		if folded.Len() > 0 {
			out[len(out)-1].text = folded.String()
			folded.Reset()
		}
	}
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSuffix(l, "\r")
		if strings.HasPrefix(l, " ") && len(out) > 0 && out[len(out)-1].text != "" {
			if folded.Len() == 0 {
				folded.WriteString(out[len(out)-1].text)
			}
			folded.WriteString(l[1:])
			continue
		}
		flush()
		out = append(out, logicalLine{l, i + 1})
	}
	flush()
	return out
}

type ldifParser struct {
	entries []Entry
	cur     *Entry
	started bool // a record or the version line was seen
}

func (p *ldifParser) flush() {
	if p.cur != nil {
		p.entries = append(p.entries, *p.cur)
		p.cur = nil
	}
}

func (p *ldifParser) line(l logicalLine) error {
	switch {
	case l.text == "":
		p.flush()
		return nil
	case strings.HasPrefix(l.text, "#"):
		return nil
	}
	name, value, err := attrValue(l.text)
	if err != nil {
		return err
	}
	if p.cur == nil {
		if strings.EqualFold(name, "version") && !p.started {
			p.started = true
			if strings.TrimSpace(value) != "1" {
				return fmt.Errorf("unsupported ldif version %q", value)
			}
			return nil
		}
		if !strings.EqualFold(name, "dn") {
			return fmt.Errorf("record starts with %q, want \"dn:\"", name)
		}
		if len(p.entries) >= maxEntries {
			return fmt.Errorf("more than %d entries", maxEntries)
		}
		p.started = true
		p.cur = &Entry{DN: value}
		return nil
	}
	switch strings.ToLower(name) {
	case "dn":
		return errors.New("second \"dn:\" in one record (records are separated by an empty line)")
	case "changetype":
		if !strings.EqualFold(strings.TrimSpace(value), "add") {
			return fmt.Errorf("changetype %q: only exports (changetype: add) can be read", value)
		}
		return nil
	case "control":
		return nil
	}
	for i := range p.cur.Attrs {
		if strings.EqualFold(p.cur.Attrs[i].Name, name) {
			p.cur.Attrs[i].Values = append(p.cur.Attrs[i].Values, value)
			return nil
		}
	}
	p.cur.Attrs = append(p.cur.Attrs, Attr{Name: name, Values: []string{value}})
	return nil
}

// attrValue splits "name: value", "name:: base64" and rejects "name:< url".
// Attribute options (";binary") are dropped from the name.
func attrValue(s string) (name, value string, err error) {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", "", fmt.Errorf("%q is not \"attribute: value\"", truncate(s, 40))
	}
	name, rest := s[:i], s[i+1:]
	if j := strings.IndexByte(name, ';'); j > 0 {
		name = name[:j]
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return "", "", fmt.Errorf("invalid attribute name %q", truncate(name, 40))
		}
	}
	switch {
	case strings.HasPrefix(rest, ":"):
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest[1:]))
		if err != nil {
			return "", "", fmt.Errorf("attribute %s: invalid base64 value: %w", name, err)
		}
		return name, string(b), nil
	case strings.HasPrefix(rest, "<"):
		return "", "", fmt.Errorf("attribute %s: values read from URLs (\":<\") are not supported", name)
	}
	return name, strings.TrimLeft(rest, " "), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
