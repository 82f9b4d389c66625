package report

import (
	"strings"
	"unicode/utf8"
)

// Every string in a report may come from a hostile server or directory:
// certificate subjects, URLs, host names, messages quoting them. The text
// and Markdown renderers pass them through these functions so that no
// terminal escape, line break or bidi override reaches the reader raw.

const hexDigits = "0123456789abcdef"

// unsafeRune reports whether r must be shown as an escape: C0 controls
// (including tab and newline), DEL, C1 controls, the Unicode line and
// paragraph separators, and the bidi controls of "Trojan Source"
// (CVE-2021-42574).
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029,
		r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// firstUnsafe returns the index of the first unsafe rune or invalid UTF-8
// byte in s, or -1.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// clean returns s with unsafe runes replaced by visible escapes: \n, \r and
// \t, \x1b for other ASCII controls and invalid UTF-8 bytes, \u009b or
// \u202e for the rest. Backslashes are kept as they are, because DNs and
// commands use them.
func clean(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[s[i]>>4])
			b.WriteByte(hexDigits[s[i]&0xf])
		case !unsafeRune(r):
			b.WriteString(s[i : i+size])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < utf8.RuneSelf:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[r>>4])
			b.WriteByte(hexDigits[r&0xf])
		default:
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hexDigits[(r>>shift)&0xf])
			}
		}
		i += size
	}
	return b.String()
}

// mdSpecial are the ASCII punctuation characters that could start Markdown
// or HTML syntax inside a line, or split a table cell. CommonMark lets any
// of them be escaped with a backslash.
const mdSpecial = "\\`*_[]<>|&~#"

// mdText escapes s for Markdown running text and table cells: controls
// become visible escapes and Markdown syntax characters are backslashed, so
// the rendered text is s itself.
func mdText(s string) string {
	s = clean(s)
	if !strings.ContainsAny(s, mdSpecial) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(mdSpecial, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != c {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return longest
}

// mdCode returns s as a Markdown code span whose backtick fence is longer
// than any backtick run inside it. Not for table cells: GFM splits cells on
// "|" even inside code spans.
func mdCode(s string) string {
	s = clean(s)
	if s == "" {
		return "-"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if s[0] == '`' || s[len(s)-1] == '`' || (s[0] == ' ' && s[len(s)-1] == ' ') {
		s = " " + s + " "
	}
	return fence + s + fence
}
