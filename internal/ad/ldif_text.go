package ad

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// ldifText returns the export as UTF-8 text, following its byte order mark:
// UTF-8 with or without one, UTF-16 with one (ldifde -u) or UTF-16LE
// without one. UTF-16 is decoded as it is read, never as a whole.
func ldifText(r io.Reader) *bufio.Reader {
	br := bufio.NewReaderSize(&sizeLimit{r: r, left: maxLDIFBytes}, 64<<10)
	b, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		_, _ = br.Discard(2)
		return bufio.NewReaderSize(&utf16Reader{r: br}, 64<<10)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		_, _ = br.Discard(2)
		return bufio.NewReaderSize(&utf16Reader{r: br, bigEndian: true}, 64<<10)
	case len(b) == 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		// UTF-16LE without a byte order mark: ASCII text with every other byte 0.
		return bufio.NewReaderSize(&utf16Reader{r: br}, 64<<10)
	}
	return br
}

// sizeLimit fails a read past left bytes.
type sizeLimit struct {
	r    io.Reader
	left int64
}

func (s *sizeLimit) Read(p []byte) (int, error) {
	if s.left <= 0 {
		// One byte more tells a file of exactly the limit from a larger one.
		var one [1]byte
		if n, _ := s.r.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("file larger than %d MB", maxLDIFBytes>>20)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.r.Read(p)
	s.left -= int64(n)
	return n, err
}

// utf16Reader decodes UTF-16 into UTF-8 as it reads. Unpaired surrogates
// become U+FFFD and an odd last byte is dropped, as utf16.Decode does.
type utf16Reader struct {
	r         io.Reader
	bigEndian bool
	raw       [16 << 10]byte
	nraw      int    // undecoded bytes at the start of raw (0 or 1)
	out       []byte // decoded text not yet returned
	buf       [3 * 8 << 10]byte
	high      rune // a high surrogate waiting for the next unit, or 0
	err       error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			if u.high != 0 {
				u.high = 0
				u.out = utf8.AppendRune(u.buf[:0], utf8.RuneError)
				break
			}
			return 0, u.err
		}
		n, err := u.r.Read(u.raw[u.nraw:])
		u.err = err
		u.decode(u.nraw + n)
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// decode turns the first n bytes of raw into text in out, keeping an odd
// last byte for the next read.
func (u *utf16Reader) decode(n int) {
	out := u.buf[:0]
	i := 0
	for ; i+1 < n; i += 2 {
		c := rune(u.raw[i]) | rune(u.raw[i+1])<<8
		if u.bigEndian {
			c = rune(u.raw[i])<<8 | rune(u.raw[i+1])
		}
		switch {
		case u.high != 0 && c >= 0xDC00 && c < 0xE000:
			out = utf8.AppendRune(out, utf16.DecodeRune(u.high, c))
			u.high = 0
			continue
		case u.high != 0:
			out = utf8.AppendRune(out, utf8.RuneError)
			u.high = 0
		}
		switch {
		case c >= 0xD800 && c < 0xDC00:
			u.high = c
		case c >= 0xDC00 && c < 0xE000:
			out = utf8.AppendRune(out, utf8.RuneError)
		default:
			out = utf8.AppendRune(out, c)
		}
	}
	u.nraw = copy(u.raw[:], u.raw[i:n])
	u.out = out
}
