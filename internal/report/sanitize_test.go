package report

import (
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/diag"
)

func TestMarkdownEscapes(t *testing.T) {
	for _, tc := range []struct{ in, text, code string }{
		{"mail.contoso.com", "mail.contoso.com", "`mail.contoso.com`"},
		{"a|b", `a\|b`, "`a|b`"},
		{`a\|b`, `a\\\|b`, "`a\\|b`"},
		{"*.contoso.com", `\*.contoso.com`, "`*.contoso.com`"},
		{"<img src=x>&amp;", `\<img src=x\>\&amp;`, "`<img src=x>&amp;`"},
		{"x`y``z", "x\\`y\\`\\`z", "```x`y``z```"},
		{"`edge`", "\\`edge\\`", "`` `edge` ``"},
		{"a\nb", `a\\nb`, "`a\\nb`"},
		{"", "", "-"},
	} {
		if got := mdText(tc.in); got != tc.text {
			t.Errorf("mdText(%q) = %q, want %q", tc.in, got, tc.text)
		}
		if got := mdCode(tc.in); got != tc.code {
			t.Errorf("mdCode(%q) = %q, want %q", tc.in, got, tc.code)
		}
	}
}

func TestLifetime(t *testing.T) {
	day := func(d string) time.Time {
		v, err := time.Parse(time.RFC3339, d)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	start := day("2020-01-01T00:00:00Z")
	for _, tc := range []struct {
		notAfter, want string
		notBefore      time.Time
	}{
		{"2026-06-13T09:30:00Z", "(12 days left)", start},
		{"2026-06-02T00:00:01Z", "(1 day left)", start},
		{"2026-06-01T23:59:59Z", "(expires today)", start},
		{"2026-06-01T11:59:59Z", "(expired today)", start},
		{"2026-05-31T23:59:59Z", "(expired 1 day ago)", start},
		{"2026-03-01T08:00:00Z", "(expired 92 days ago)", start},
		{"9999-12-31T23:59:59Z", "(2912291 days left)", start},
		{"2027-01-01T00:00:00Z", "(not valid until 2026-07-01)", day("2026-07-01T00:00:00Z")},
	} {
		c := &diag.CertInfo{NotBefore: tc.notBefore, NotAfter: day(tc.notAfter)}
		if got := lifetime(c, now); got != tc.want {
			t.Errorf("lifetime(notAfter %s) = %q, want %q", tc.notAfter, got, tc.want)
		}
	}
	expired := &diag.CertInfo{NotBefore: start, NotAfter: day("2026-03-01T08:00:00Z")}
	if got, want := expiry(expired, now), "expired 2026-03-01 (92 days ago)"; got != want {
		t.Errorf("expiry = %q, want %q", got, want)
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aaa bb  c https://a-very-long-url.example/that/does/not/fit d", 10)
	want := []string{"aaa bb c", "https://a-very-long-url.example/that/does/not/fit", "d"}
	if len(got) != len(want) {
		t.Fatalf("wrap = %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("wrap line %d = %q, want %q", i, got[i], want[i])
		}
	}
}
