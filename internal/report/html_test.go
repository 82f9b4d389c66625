package report

import (
	"regexp"
	"strings"
	"testing"
)

// The page is one file that needs nothing else: no script, no stylesheet,
// font, image or frame from anywhere.
func TestHTMLIsSelfContained(t *testing.T) {
	external := regexp.MustCompile(`(?i)<script|<link|<img|<iframe|<object|<embed|\ssrc=|\shref=|url\(|@import`)
	for _, fx := range fixtures() {
		for _, verbose := range []bool{false, true} {
			out := render(t, fx.rep, Options{Format: HTML, Verbose: verbose, WarnDays: 30})
			if m := external.FindString(out); m != "" {
				t.Errorf("%s: the page refers to something outside itself: %q", fx.name, m)
			}
			if !strings.HasPrefix(out, "<!DOCTYPE html>\n") || !strings.Contains(out, `<meta charset="utf-8">`) {
				t.Errorf("%s: not a UTF-8 HTML5 document", fx.name)
			}
		}
	}
}

// The matrix shows at a glance which server serves what for a shared name:
// EX02's cell holds the old certificate's thumbprint, days left and the
// finding's word, EX01's the renewed one, EX03's that it was not reached.
func TestHTMLMatrixShowsTheLaggingServer(t *testing.T) {
	rep := renewalReport()
	out := render(t, rep, Options{Format: HTML, WarnDays: 30})
	row := regexp.MustCompile(`<tr><th scope="row">mail\.contoso\.com</th>(.*)</tr>`).FindStringSubmatch(out)
	if row == nil {
		t.Fatalf("no matrix row for mail.contoso.com:\n%s", out)
	}
	cells := strings.Split(row[1], "</td>")
	if len(cells) != 4 {
		t.Fatalf("want cells for EX01, EX02 and EX03, got %d: %s", len(cells)-1, row[1])
	}
	for i, want := range []string{
		`<code>7E1D2C3B</code> 353 days<br><span class="state">ok</span>`,
		`<span class="cert error"><code>9C3F1B6E</code> 12 days<br><span class="state">servers-disagree</span> <span class="svc">IIS</span>`,
		`<code>none</code>`,
	} {
		if !strings.Contains(cells[i], want) {
			t.Errorf("cell %d lacks %q: %s", i, want, cells[i])
		}
	}
	if !strings.Contains(cells[1], `<code>7E1D2C3B</code>`) || !strings.Contains(cells[1], "SMTP") {
		t.Errorf("EX02's SMTP, which serves the renewed certificate, is not in its cell: %s", cells[1])
	}
	for _, want := range []string{`<th scope="col">EX01</th><th scope="col">EX02</th><th scope="col">EX03</th>`, `id="finding-1"`, `id="finding-2"`, "Enable-ExchangeCertificate -Server &#39;EX02&#39;"} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}
