package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"mail.contoso.com", "mail.contoso.com"},
		{"", ""},
		{"CN=Smith\\, John", "CN=Smith\\, John"},
		{"café – 東京 \ufffd", "café – 東京 \ufffd"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"a\nb\rc\td", `a\nb\rc\td`},
		{"\x00\x07\x7f", `\x00\x07\x7f`},
		{"\u009b2J\u0085", `\u009b2J\u0085`},
		{"bad \x9b\xff byte", `bad \x9b\xff byte`},
		{"txt\u202eexe.doc", `txt\u202eexe.doc`},
		{"EX\u200e01", `EX\u200e01`},
		{"\u2066\u2069\u200f\u061c", `\u2066\u2069\u200f\u061c`},
		{"line\u2028para\u2029", `line\u2028para\u2029`},
		{"\ufeffbom", `\ufeffbom`},
		{`C:\path`, `C:\path`},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if Clean(tc.in) != (tc.in == tc.want) {
			t.Errorf("Clean(%q) = %v, want %v", tc.in, Clean(tc.in), tc.in == tc.want)
		}
	}
}

func TestHostName(t *testing.T) {
	long := strings.Repeat("a", 63)
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"mail.contoso.com", true},
		{"mail.contoso.com.", true},
		{"EX01", true},
		{"xn--caf-dma.contoso.com", true},
		{"3com.com", true},
		{long + ".contoso.com", true},
		{long + "a.contoso.com", false},
		{strings.Repeat(long+".", 4)[:254], false},
		{"x.contoso.com' ; Remove-Item", false},
		{"_autodiscover._tcp.contoso.com", false},
		{"-mail.contoso.com", false},
		{"mail-.contoso.com", false},
		{"mail..contoso.com", false},
		{"*.contoso.com", false},
		{"10.0.0.1", false},
		{"mail contoso", false},
		{"café.contoso.com", false},
		{"", false},
		{".", false},
	} {
		if got := HostName(tc.in); got != tc.want {
			t.Errorf("HostName(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// FuzzEscape: whatever the input, the escaped text is clean, keeps every
// safe rune in order, and is the input itself when the input was clean.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a\x1bb", "\u202e", "\xff\xfe", "line\u2028", `\x41`, "\ufeff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		if !Clean(e) {
			t.Fatalf("Escape(%q) = %q is not clean", s, e)
		}
		if Clean(s) != (e == s) {
			t.Fatalf("Clean(%q) = %v but Escape changed it to %q", s, Clean(s), e)
		}
		var kept strings.Builder
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			if !(r == utf8.RuneError && size == 1) && !Unsafe(r) {
				kept.WriteRune(r)
			}
			i += size
		}
		if !subsequence(kept.String(), e) {
			t.Fatalf("Escape(%q) = %q lost safe text %q", s, e, kept.String())
		}
	})
}

// subsequence reports whether every rune of a appears in b in order.
func subsequence(a, b string) bool {
	br := []rune(b)
	j := 0
	for _, r := range a {
		for j < len(br) && br[j] != r {
			j++
		}
		if j == len(br) {
			return false
		}
		j++
	}
	return true
}

// FuzzHostName: an accepted name is short, LDH only, and clean.
func FuzzHostName(f *testing.F) {
	for _, s := range []string{"mail.contoso.com", "a-b.c", "x'.y", "1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !HostName(s) {
			return
		}
		if len(s) > 254 || !Clean(s) || strings.ContainsAny(s, "'\"` ;*_") {
			t.Fatalf("HostName accepted %q", s)
		}
	})
}

func TestMaskURLPassword(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:S3cret@mail.contoso.com/owa":        "https://user:xxxxx@mail.contoso.com/owa",
		"https://user:p@ss:w0rd@mail.contoso.com/ews?a@b": "https://user:xxxxx@mail.contoso.com/ews?a@b",
		"https://user@mail.contoso.com/owa":               "https://user@mail.contoso.com/owa",
		"https://mail.contoso.com/owa?user=a:b@c":         "https://mail.contoso.com/owa?user=a:b@c",
		"https://mail.contoso.com:443/owa":                "https://mail.contoso.com:443/owa",
		"not a url user:pass@host":                        "not a url user:pass@host",
		"https://:pw@host":                                "https://:xxxxx@host",
	} {
		if got := MaskURLPassword(in); got != want {
			t.Errorf("MaskURLPassword(%q) = %q, want %q", in, got, want)
		}
	}
}
