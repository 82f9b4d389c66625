package remedy

import (
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/safetext"
)

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"EX01", `'EX01'`},
		{`EX01\EWS (Default Web Site)`, `'EX01\EWS (Default Web Site)'`},
		{"https://mail.contoso.com/EWS/Exchange.asmx", `'https://mail.contoso.com/EWS/Exchange.asmx'`},
		{"O'Brien", `'O''Brien'`},
		{"a\u2018b\u2019c\u201ad\u201be", "'a\u2018\u2018b\u2019\u2019c\u201a\u201ad\u201b\u201be'"},
		{"$env:USERNAME `whoami` $(Remove-Item x)", "'$env:USERNAME `whoami` $(Remove-Item x)'"},
		{"", `''`},
	}
	for _, tt := range tests {
		got, err := Quote(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Quote(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestQuoteRefusesUnsafe(t *testing.T) {
	for _, in := range []string{"a\nb", "a\rb", "a\x00b", "a\x1b[31mb", "a\u2028b", "a\u202eb", "\x85", "a\xffb"} {
		if got, err := Quote(in); err == nil {
			t.Errorf("Quote(%q) = %q, want ErrUnsafe", in, got)
		}
	}
}

// FuzzQuote proves no value can escape its quotes: PowerShell's tokenizer
// reads the literal back as exactly the value and ends it at the last
// character, so nothing after it could run.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"EX01", "O'Brien", "\u2019; Remove-Item -Recurse C:\\ #", "''''", "x'\u2018'\u201b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit, err := Quote(s)
		if err != nil {
			if safetext.Clean(s) {
				t.Fatalf("Quote(%q) refused a safe value", s)
			}
			return
		}
		got, rest, ok := unquote(lit)
		if !ok || got != s || rest != "" {
			t.Fatalf("Quote(%q) = %q reads back as %q with %q after it (ok=%v)", s, lit, got, rest, ok)
		}
		if strings.ContainsAny(lit, "\r\n\x00") {
			t.Fatalf("Quote(%q) = %q holds a line break", s, lit)
		}
	})
}

// unquote reads back a literal produced by Quote, following PowerShell's
// tokenizer rules, for the fuzz test: unquote(Quote(s)) == s and the
// literal ends exactly at its last character.
func unquote(lit string) (value string, rest string, ok bool) {
	rs := []rune(lit)
	if len(rs) == 0 || !isSingleQuote(rs[0]) {
		return "", lit, false
	}
	var b strings.Builder
	for i := 1; i < len(rs); i++ {
		if !isSingleQuote(rs[i]) {
			b.WriteRune(rs[i])
			continue
		}
		if i+1 < len(rs) && isSingleQuote(rs[i+1]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		return b.String(), string(rs[i+1:]), true
	}
	return "", "", false
}
