package probe

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseTarget: any string from the directory or the command line
// either parses into a target exdiag can dial and name safely (a lower-case
// ASCII host with no control characters, a port in 1–65535) or fails with
// ErrBadURL; it never panics.
func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{
		"https://mail.contoso.com/owa", "mail.contoso.com:8443", "smtp://EX01.contoso.local", "https://[2001:db8::1]:993/",
		"https://bücher.example/", "https://mail contoso.com/", "https://user:pw@mail.contoso.com/", "https://h:0/", "https://h:99999/",
		"https://[fe80::1%25eth0]/", "https://%C2%85.contoso.com/", "imap://mail.contoso.com.:143", "\x1b[31mmail", "http://a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tgt, err := ParseTarget(raw)
		if err != nil {
			if !errors.Is(err, ErrBadURL) {
				t.Fatalf("ParseTarget(%q) error %v does not wrap ErrBadURL", raw, err)
			}
			return
		}
		if tgt.URL != raw {
			t.Fatalf("ParseTarget(%q).URL = %q", raw, tgt.URL)
		}
		if tgt.Host == "" {
			t.Fatalf("ParseTarget(%q) gave an empty host", raw)
		}
		if strings.Trim(tgt.Host, "abcdefghijklmnopqrstuvwxyz0123456789.-:") != "" {
			t.Fatalf("ParseTarget(%q): host %q is not a lower-case ASCII name or IP address", raw, tgt.Host)
		}
		if tgt.Port < 1 || tgt.Port > 65535 {
			t.Fatalf("ParseTarget(%q): port %d", raw, tgt.Port)
		}
		if _, ok := schemes[tgt.Scheme]; !ok {
			t.Fatalf("ParseTarget(%q): scheme %q", raw, tgt.Scheme)
		}
	})
}
