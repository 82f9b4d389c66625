package ad

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
)

// lowerName is l.name in lower case, in a reused buffer.
func (l *ldifReader) lowerName() []byte {
	l.lower = append(l.lower[:0], l.name...)
	for i, c := range l.lower {
		if c >= 'A' && c <= 'Z' {
			l.lower[i] = c + 'a' - 'A'
		}
	}
	return l.lower
}

// value reads the rest of the line from p on: a plain value without its
// leading spaces, or a base64 value decoded. It returns the value, in a
// reused buffer, its size, and whether it was kept: a value not to keep,
// or over limit bytes (limit < 0: none), is only measured or skipped.
func (l *ldifReader) value(p []byte, isBase64, keep bool, limit int) ([]byte, int64, bool, error) {
	l.val = l.val[:0]
	var size, digits int64
	measure, store := keep && limit >= 0, keep
	encLimit := int64(limit+2)/3*4 + 64
	leading := true
	for {
		if leading && keep {
			if isBase64 {
				p = bytes.TrimLeft(p, " \t\v\f\r")
			} else {
				p = bytes.TrimLeft(p, " ")
			}
			leading = len(p) == 0
		}
		if measure {
			size += int64(len(p))
			if isBase64 {
				for _, c := range p {
					if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' {
						digits++
					}
				}
			}
			if store && (isBase64 && size > encLimit || !isBase64 && size > int64(limit)) {
				store, l.val = false, l.val[:0]
			}
		}
		if store {
			l.val = append(l.val, p...)
		}
		var err error
		if p, err = l.piece(); err == errEndOfLine {
			break
		} else if err != nil {
			return nil, 0, false, err
		}
	}
	switch {
	case !keep:
		return nil, 0, false, nil
	case measure && isBase64:
		size = digits * 6 / 8
	}
	if !store {
		return nil, size, false, nil
	}
	if isBase64 {
		n := base64.StdEncoding.DecodedLen(len(l.val))
		l.dec = slices.Grow(l.dec[:0], n)[:n]
		n, err := base64.StdEncoding.Decode(l.dec, bytes.TrimSpace(l.val))
		if err != nil {
			return nil, 0, false, fmt.Errorf("attribute %s: invalid base64 value: %w", l.name, err)
		}
		l.val, l.dec = l.dec[:n], l.val
	}
	size = int64(len(l.val))
	if limit >= 0 && size > int64(limit) {
		return nil, size, false, nil
	}
	return l.val, size, true, nil
}

// add puts a value into the record, with the attribute's first spelling.
// When only some attributes are kept, a value the limits leave out is
// counted in Skipped instead.
func (l *ldifReader) add(cur *Entry, v []byte, size int64, kept bool) {
	if l.keep != nil {
		cost := len(v) + 16
		if !kept || !bulky(string(l.name)) && l.size+cost > maxObjectBytes {
			cur.Skipped = addSkipped(cur.Skipped, Skipped{Attr: l.strs.bytes(l.name), Bytes: size})
			return
		}
		if !bulky(string(l.name)) {
			l.size += cost
		}
	}
	i := l.attrIndex()
	if i < 0 {
		l.names = append(l.names, l.strs.bytes(l.name))
		i = len(l.names) - 1
		if l.indexed {
			l.index[string(l.lowerName())] = i
		}
	}
	l.vals = append(l.vals, pendingValue{i, l.strs.bytes(v)})
}

// pendingValue is a value of the record being read and its attribute's
// position in ldifReader.names.
type pendingValue struct {
	attr int
	v    string
}

// finish gives the record its attributes, in two allocations whatever
// their number.
func (l *ldifReader) finish(cur *Entry) {
	if len(l.names) == 0 {
		return
	}
	attrs := make([]Attr, len(l.names))
	counts := l.counts[:0]
	for range len(l.names) + 1 {
		counts = append(counts, 0)
	}
	l.counts = counts
	for _, v := range l.vals {
		counts[v.attr+1]++
	}
	for i := range l.names {
		counts[i+1] += counts[i]
	}
	values := make([]string, len(l.vals))
	for i, n := range l.names {
		attrs[i] = Attr{Name: n, Values: values[counts[i]:counts[i]:counts[i+1]]}
	}
	for _, v := range l.vals {
		attrs[v.attr].Values = append(attrs[v.attr].Values, v.v)
	}
	cur.Attrs = attrs
	l.names, l.vals = l.names[:0], l.vals[:0]
}

// attrIndex finds the attribute named l.name in the record,
// case-insensitively: by scanning when it has few attributes, through an
// index when it has many, so that time stays linear in them.
func (l *ldifReader) attrIndex() int {
	if !l.indexed && len(l.names) < 16 {
		for i, n := range l.names {
			if equalFold(l.name, n) {
				return i
			}
		}
		return -1
	}
	if !l.indexed {
		if l.index == nil {
			l.index = map[string]int{}
		}
		for i, n := range l.names {
			l.index[strings.ToLower(n)] = i
		}
		l.indexed = true
	}
	if i, ok := l.index[string(l.lowerName())]; ok {
		return i
	}
	return -1
}

// equalFold compares an ASCII attribute name with s, ignoring case.
func equalFold(name []byte, s string) bool {
	if len(name) != len(s) {
		return false
	}
	for i := range name {
		a, b := name[i], s[i]
		if a >= 'A' && a <= 'Z' {
			a += 'a' - 'A'
		}
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
