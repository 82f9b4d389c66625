// Package safetext owns exdiag's one definition of unsafe text: the
// characters that must never reach a terminal, a report, an error line or a
// command raw, because they come from a hostile server or directory and
// could rewrite the screen, split a line, or make a pasted command read
// differently from what it does. It also says how such text is shown
// (visible escapes) and what a usable DNS host name is.
package safetext

import (
	"strings"
	"unicode/utf8"
)

// Unsafe reports whether r must never be shown or used raw: C0 controls
// (including tab and line feed), DEL, C1 controls (including U+0085 NEL),
// the Unicode line and paragraph separators, the bidi controls of "Trojan
// Source" (CVE-2021-42574: U+061C, U+200E, U+200F, U+202A–U+202E,
// U+2066–U+2069) and the byte-order mark (an invisible character inside a
// value). U+FFFD is a visible character like any other; invalid UTF-8
// bytes are unsafe (First, Escape).
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029,
		r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
		r == 0xfeff:
		return true
	}
	return false
}

// Clean reports whether s is valid UTF-8 without an unsafe rune: safe to
// print raw and to quote into a command.
func Clean(s string) bool { return First(s) < 0 }

// First returns the byte index of the first unsafe rune or invalid UTF-8
// byte in s, or -1.
func First(s string) int {
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
		if r == utf8.RuneError && size == 1 || Unsafe(r) {
			return i
		}
		i += size
	}
	return -1
}

const hexDigits = "0123456789abcdef"

// Escape returns s with every unsafe rune replaced by a visible escape: \n,
// \r and \t; \x1b for other ASCII controls and for invalid UTF-8 bytes;
// \u202e for the rest. Backslashes are kept as they are (DNs and commands
// use them), so Escape is for showing text, not for round trips.
func Escape(s string) string {
	i := First(s)
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
		case !Unsafe(r):
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
