package ad

import (
	"bufio"
	"errors"
	"io"
)

// lineReader hands out the logical lines of an LDIF file piece by piece,
// so that no line, however long, is ever held whole. RFC 2849 folds a line
// by starting the next physical line with one space; a line that is empty
// is never folded. Line ends are LF or CRLF.
type lineReader struct {
	r    *bufio.Reader
	n    int  // physical lines started
	open bool // a logical line is being read
	eol  bool // its last physical line has ended: a fold may follow
	cr   bool // a CR ended the last piece and may be the line end's
	text bool // the logical line has text, so it may be folded
}

// errEndOfLine follows the last piece of a logical line.
var errEndOfLine = errors.New("end of line")

// crPiece is a CR that turned out to be part of the text.
var crPiece = []byte{'\r'}

// begin skips what is left of the current logical line, starts the next
// one and returns the number of its first physical line, or io.EOF.
func (l *lineReader) begin() (int, error) {
	for l.open {
		if _, err := l.piece(); err == errEndOfLine {
			break
		} else if err != nil {
			return 0, err
		}
	}
	if _, err := l.r.Peek(1); err != nil {
		return 0, err
	}
	l.n++
	l.open, l.eol, l.cr, l.text = true, false, false, false
	return l.n, nil
}

// piece returns the next non-empty part of the current logical line,
// valid until the next call, or errEndOfLine after its last part.
func (l *lineReader) piece() ([]byte, error) {
	for l.open {
		if l.eol {
			b, err := l.r.Peek(1)
			if err == nil && b[0] == ' ' && l.text {
				_, _ = l.r.Discard(1)
				l.n++
				l.eol = false
				continue
			}
			l.open = false
			if err != nil && err != io.EOF {
				return nil, err
			}
			break
		}
		if l.cr {
			l.cr = false
			b, err := l.r.Peek(1)
			switch {
			case err == io.EOF:
				l.eol = true
				continue
			case err != nil:
				return nil, err
			case b[0] == '\n':
				_, _ = l.r.Discard(1)
				l.eol = true
				continue
			}
			l.text = true
			return crPiece, nil
		}
		s, err := l.r.ReadSlice('\n')
		switch err {
		case nil:
			s, l.eol = trimCR(s[:len(s)-1]), true
		case bufio.ErrBufferFull:
			if s[len(s)-1] == '\r' {
				s, l.cr = s[:len(s)-1], true
			}
		case io.EOF:
			s, l.eol = trimCR(s), true
		default:
			return nil, err
		}
		if len(s) > 0 {
			l.text = true
			return s, nil
		}
	}
	return nil, errEndOfLine
}

func trimCR(s []byte) []byte {
	if len(s) > 0 && s[len(s)-1] == '\r' {
		return s[:len(s)-1]
	}
	return s
}
