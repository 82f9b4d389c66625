package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/exdiag/exdiag/internal/safetext"
)

// jsonStream writes one JSON object member by member: scalars and small
// objects on the member's line, arrays and maps one element per line, each
// element compact. The result is valid JSON, greppable and diffable line by
// line, and a third the size of an indented document.
type jsonStream struct {
	w    *bufio.Writer
	buf  bytes.Buffer
	last bool // the next member is the object's last
	err  error
}

func (s *jsonStream) raw(text string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(text)
	}
}

// value writes v compact.
func (s *jsonStream) value(v any) {
	if s.err != nil {
		return
	}
	s.buf.Reset()
	enc := json.NewEncoder(&s.buf)
	// The document is for scripts, never embedded in HTML: keep < > & as is.
	enc.SetEscapeHTML(false)
	if s.err = enc.Encode(v); s.err != nil {
		return
	}
	_, s.err = s.w.Write(escapeInvisible(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n"))))
}

func (s *jsonStream) field(name string, v any) {
	s.raw("  " + strconv.Quote(name) + ": ")
	s.value(v)
	s.end()
}

func (s *jsonStream) end() {
	if s.last {
		s.raw("\n")
	} else {
		s.raw(",\n")
	}
}

// array writes a member holding n elements produced by elem.
func (s *jsonStream) array(name string, n int, elem func(int) any) {
	s.raw("  " + strconv.Quote(name) + ": [")
	for i := range n {
		if i > 0 {
			s.raw(",")
		}
		s.raw("\n    ")
		s.value(elem(i))
	}
	if n > 0 {
		s.raw("\n  ")
	}
	s.raw("]")
	s.end()
}

// object writes a member holding a map of n members produced by elem, in
// the order given.
func (s *jsonStream) object(name string, n int, elem func(int) (string, any)) {
	s.raw("  " + strconv.Quote(name) + ": {")
	for i := range n {
		if i > 0 {
			s.raw(",")
		}
		k, v := elem(i)
		s.raw("\n    ")
		s.value(k)
		s.raw(": ")
		s.value(v)
	}
	if n > 0 {
		s.raw("\n  ")
	}
	s.raw("}")
	s.end()
}

// escapeInvisible rewrites DEL, C1 controls and bidi overrides, which
// encoding/json leaves raw, as \u escapes, so that `cat report.json` on a
// terminal is as safe as the text format. Such runes can only occur inside
// JSON strings, where the escape decodes to the same value.
func escapeInvisible(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x7f && safetext.Unsafe(r) {
			if out == nil {
				out = make([]byte, 0, len(b)+64)
			}
			out = append(out, b[last:i]...)
			out = fmt.Appendf(out, `\u%04x`, r)
			last = i + size
		}
		i += size
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}
