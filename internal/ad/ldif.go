package ad

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxAttrName bounds an attribute's name in an LDIF file.
const maxAttrName = 1024

// ReadLDIF reads an ldifde export (ldifde -f exchange.ldf -d "CN=Microsoft
// Exchange,CN=Services,CN=Configuration,DC=…") into entries, every
// attribute of every record. It accepts UTF-8 with or without a byte order
// mark and UTF-16 with one (ldifde -u), CRLF or LF line ends, comments,
// folded lines, base64 values and "changetype: add" records. Its result is
// as large as the file: exdiag itself reads exports with ReadLDIFOrg.
func ReadLDIF(r io.Reader) ([]Entry, error) {
	l := newLDIFReader(r, nil)
	var entries []Entry
	for {
		e, line, err := l.next()
		switch {
		case err != nil:
			return nil, err
		case e == nil:
			return entries, nil
		case len(entries) >= maxEntries:
			return nil, fmt.Errorf("ldif line %d: more than %d entries", line, maxEntries)
		}
		entries = append(entries, *e)
	}
}

// ldifReader reads an LDIF file one record at a time.
type ldifReader struct {
	lines lineReader
	// keep says which attributes to keep, by lower-case name; nil keeps
	// every attribute and every value whole. Values of kept attributes
	// over maxValueBytes, and beyond maxObjectBytes for the entry, are
	// then counted in Entry.Skipped, not stored.
	keep    map[string]bool
	started bool // a record or the version line was seen
	name    []byte
	lower   []byte
	val     []byte
	dec     []byte
	strs    interner
	names   []string       // the record's attributes so far
	vals    []pendingValue // and their values
	counts  []int          // scratch for finish
	index   map[string]int // positions in names by lower-case name, for large records
	indexed bool           // index holds the current entry's attributes
	size    int            // bytes kept for the current entry
}

func newLDIFReader(r io.Reader, keep map[string]bool) *ldifReader {
	return &ldifReader{lines: lineReader{r: ldifText(r)}, keep: keep}
}

// next returns the next record and the number of its first line, or nil
// at the end of the file.
func (l *ldifReader) next() (*Entry, int, error) {
	var cur *Entry
	first := 0
	for {
		n, err := l.lines.begin()
		if err == io.EOF {
			if cur != nil {
				l.finish(cur)
			}
			return cur, first, nil
		}
		if err != nil {
			return nil, n, fmt.Errorf("read ldif: %w", err)
		}
		p, err := l.lines.piece()
		switch {
		case err == errEndOfLine:
			if cur != nil {
				l.finish(cur)
				return cur, first, nil
			}
			continue
		case err != nil:
			return nil, n, fmt.Errorf("read ldif: %w", err)
		case p[0] == '#':
			continue
		}
		if cur == nil {
			first = n
		}
		if cur, err = l.line(cur, p); err != nil {
			var ioErr readError
			if errors.As(err, &ioErr) {
				return nil, n, fmt.Errorf("read ldif: %w", ioErr.error)
			}
			return nil, n, fmt.Errorf("ldif line %d: %w", n, err)
		}
	}
}

// readError is a failure to read the file, as opposed to a fault in it.
type readError struct{ error }

// piece is lineReader.piece with read failures marked as such.
func (l *ldifReader) piece() ([]byte, error) {
	p, err := l.lines.piece()
	if err != nil && err != errEndOfLine {
		return nil, readError{err}
	}
	return p, err
}

// line reads one "name: value", "name:: base64" line (options such as
// ";binary" dropped from the name) into the record; it refuses "name:< url".
func (l *ldifReader) line(cur *Entry, p []byte) (*Entry, error) {
	rest, err := l.attrName(p)
	if err != nil {
		return cur, err
	}
	name := l.name
	for len(rest) == 0 {
		if rest, err = l.piece(); err == errEndOfLine {
			break
		} else if err != nil {
			return cur, err
		}
	}
	base64Value := len(rest) > 0 && rest[0] == ':'
	if len(rest) > 0 && rest[0] == '<' {
		return cur, fmt.Errorf("attribute %s: values read from URLs (\":<\") are not supported", name)
	}
	if base64Value {
		rest = rest[1:]
	}
	structural := cur == nil || equalFold(name, "dn") || equalFold(name, "changetype")
	keep, limit := true, -1
	if l.keep != nil {
		limit = int(valueLimit(string(l.lowerName())))
		keep = structural || l.keep[string(l.lowerName())]
	}
	v, size, kept, err := l.value(rest, base64Value, keep, limit)
	if err != nil {
		return cur, err
	}
	switch {
	case cur == nil && equalFold(name, "version") && !l.started:
		l.started = true
		if s := strings.TrimSpace(string(v)); s != "1" {
			return cur, fmt.Errorf("unsupported ldif version %q", s)
		}
		return cur, nil
	case cur == nil && !equalFold(name, "dn"):
		return cur, fmt.Errorf("record starts with %q, want \"dn:\"", name)
	case cur == nil:
		l.started = true
		l.size, l.indexed = 0, false
		l.names, l.vals = l.names[:0], l.vals[:0]
		clear(l.index)
		cur = &Entry{DN: string(v)}
		if !kept {
			cur.Skipped = append(cur.Skipped, Skipped{Attr: "dn", Bytes: size})
		}
		return cur, nil
	case equalFold(name, "dn"):
		return cur, errors.New("second \"dn:\" in one record (records are separated by an empty line)")
	case equalFold(name, "changetype"):
		if s := strings.TrimSpace(string(v)); !strings.EqualFold(s, "add") {
			return cur, fmt.Errorf("changetype %q: only exports (changetype: add) can be read", s)
		}
		return cur, nil
	case equalFold(name, "control") || !keep:
		return cur, nil
	}
	l.add(cur, v, size, kept)
	return cur, nil
}

// attrName reads the attribute's name into l.name and returns what follows
// the colon in the current piece.
func (l *ldifReader) attrName(p []byte) ([]byte, error) {
	l.name = l.name[:0]
	for {
		if i := bytes.IndexByte(p, ':'); i >= 0 {
			l.name = append(l.name, p[:min(i, maxAttrName+1)]...)
			p = p[i+1:]
			break
		}
		if len(l.name)+len(p) > maxAttrName {
			return nil, fmt.Errorf("invalid attribute name %q", truncate(string(append(l.name, p[:min(len(p), 41)]...)), 40))
		}
		l.name = append(l.name, p...)
		var err error
		if p, err = l.piece(); err == errEndOfLine {
			return nil, fmt.Errorf("%q is not \"attribute: value\"", truncate(string(l.name), 40))
		} else if err != nil {
			return nil, err
		}
	}
	if len(l.name) == 0 {
		return nil, fmt.Errorf("%q is not \"attribute: value\"", truncate(":"+string(p[:min(len(p), 40)]), 40))
	}
	if j := bytes.IndexByte(l.name, ';'); j > 0 {
		l.name = l.name[:j]
	}
	for _, c := range l.name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') || len(l.name) > maxAttrName {
			return nil, fmt.Errorf("invalid attribute name %q", truncate(string(l.name), 40))
		}
	}
	return p, nil
}
