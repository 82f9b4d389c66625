package ad

import (
	"bufio"
	"io"
	"strings"
)

// maxSkipped bounds the Skipped records of one entry; beyond it, sizes
// add up in the last record.
const maxSkipped = 64

// addSkipped records a value left out, within maxSkipped records.
func addSkipped(list []Skipped, s Skipped) []Skipped {
	if len(list) >= maxSkipped {
		list[len(list)-1].Bytes += s.Bytes
		return list
	}
	return append(list, s)
}

// readLargeEntry reads the rest of a message of size bytes that is too
// large to pass whole (its header is read): a search result entry, of
// which it keeps what exdiag reads within the limits and measures the
// rest; anything else is a *messageTooLarge.
func readLargeEntry(m *berStream, size int64) (keptEntry, []Skipped, error) {
	var e keptEntry
	var skipped []Skipped
	tag, n, err := m.header(0)
	if err != nil || tag != 0x02 || n < 1 || n > 8 {
		return e, nil, orMalformed(err)
	}
	id, err := m.read(n)
	if err != nil {
		return e, nil, err
	}
	for i, c := range id {
		if i == 0 && c&0x80 != 0 {
			e.id = -1
		}
		e.id = e.id<<8 | int64(c)
	}
	if tag, n, err = m.header(0); err != nil || tag != 0x64 { // [APPLICATION 4] SearchResultEntry
		if err == nil {
			err = &messageTooLarge{size}
		}
		return e, nil, err
	}
	opEnd := m.left - n
	if tag, n, err = m.header(opEnd); err != nil || tag != 0x04 {
		return e, nil, orMalformed(err)
	}
	if n <= maxValueBytes {
		dn, err := m.read(n)
		if err != nil {
			return e, nil, err
		}
		e.dn = string(dn)
	} else {
		if err := m.skip(n); err != nil {
			return e, nil, err
		}
		skipped = addSkipped(skipped, Skipped{Attr: "dn", Bytes: n})
	}
	if tag, n, err = m.header(opEnd); err != nil || tag != 0x30 {
		return e, nil, orMalformed(err)
	}
	attrsEnd, kept := m.left-n, int64(0)
	for m.left > attrsEnd {
		// PartialAttribute ::= SEQUENCE { type, vals SET OF value }
		if tag, n, err = m.header(attrsEnd); err != nil || tag != 0x30 {
			return e, nil, orMalformed(err)
		}
		end := m.left - n
		if tag, n, err = m.header(end); err != nil || tag != 0x04 {
			return e, nil, orMalformed(err)
		}
		if n > maxAttrName {
			if err := m.skip(m.left - end); err != nil {
				return e, nil, err
			}
			continue
		}
		b, err := m.read(n)
		if err != nil {
			return e, nil, err
		}
		a := Attr{Name: string(b)}
		base, _, _ := strings.Cut(a.Name, ";")
		wanted := readAttrs[strings.ToLower(base)]
		if tag, n, err = m.header(end); err != nil || tag != 0x31 {
			return e, nil, orMalformed(err)
		}
		for setEnd := m.left - n; m.left > setEnd; {
			if tag, n, err = m.header(setEnd); err != nil || tag != 0x04 {
				return e, nil, orMalformed(err)
			}
			bulk := bulky(a.Name)
			if !wanted || n > valueLimit(a.Name) || !bulk && kept+n+16 > maxObjectBytes {
				if err := m.skip(n); err != nil {
					return e, nil, err
				}
				if wanted {
					skipped = addSkipped(skipped, Skipped{Attr: a.Name, Bytes: n})
				}
				continue
			}
			v, err := m.read(n)
			if err != nil {
				return e, nil, err
			}
			a.Values = append(a.Values, string(v))
			if !bulk {
				kept += n + 16
			}
		}
		if err := m.skip(m.left - end); err != nil {
			return e, nil, err
		}
		if len(a.Values) > 0 {
			e.attrs = append(e.attrs, a)
		}
	}
	// Controls, and whatever else the message holds.
	return e, skipped, m.skip(m.left)
}

func orMalformed(err error) error {
	if err != nil {
		return err
	}
	return errMalformed
}

// berStream reads the elements of one BER message as they arrive, never
// past its end: left counts the bytes of the message not yet read.
type berStream struct {
	r    *bufio.Reader
	left int64
}

// header reads a tag and a definite length, for an element that must
// leave end bytes of the message after it.
func (b *berStream) header(end int64) (byte, int64, error) {
	tag, err := b.byte()
	if err != nil {
		return 0, 0, err
	}
	if tag&0x1f == 0x1f { // multi-byte tags: LDAP has none
		return 0, 0, errMalformed
	}
	n, err := b.length(end)
	return tag, n, err
}

// length reads a definite length, for an element that must leave end
// bytes of the message after it.
func (b *berStream) length(end int64) (int64, error) {
	l, err := b.byte()
	if err != nil {
		return 0, err
	}
	n := int64(l)
	if l >= 0x80 {
		// RFC 4511 5.1: only the definite form of length encoding.
		if l == 0x80 || l > 0x88 {
			return 0, errMalformed
		}
		n = 0
		for range l & 0x7f {
			c, err := b.byte()
			if err != nil {
				return 0, err
			}
			n = n<<8 | int64(c)
		}
	}
	if n < 0 || n > b.left-end {
		return 0, errMalformed
	}
	return n, nil
}

func (b *berStream) byte() (byte, error) {
	if b.left <= 0 {
		return 0, errMalformed
	}
	c, err := b.r.ReadByte()
	if err != nil {
		return 0, unexpectedEOF(err)
	}
	b.left--
	return c, nil
}

// read returns the next n bytes; n is at most valueLimit of the attribute.
func (b *berStream) read(n int64) ([]byte, error) {
	p := make([]byte, n)
	if _, err := io.ReadFull(b.r, p); err != nil {
		return nil, unexpectedEOF(err)
	}
	b.left -= n
	return p, nil
}

// skip drops the next n bytes as they arrive.
func (b *berStream) skip(n int64) error {
	for n > 0 {
		d, err := b.r.Discard(int(min(n, 1<<30)))
		n -= int64(d)
		b.left -= int64(d)
		if err != nil {
			return unexpectedEOF(err)
		}
	}
	return nil
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
