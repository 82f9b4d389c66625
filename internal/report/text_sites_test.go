package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/diag"
)

// In an organisation of several AD sites the text report lists, per site,
// the SCP its clients try first, and with --verbose the first few in order;
// one site needs no such list.
func TestTextSites(t *testing.T) {
	rep := contosoReport()
	if out := render(t, rep, Options{Format: Text}); strings.Contains(out, "AD sites") {
		t.Errorf("one site got a sites section:\n%s", out)
	}
	branch := diag.SiteView{Site: "Branch\x1b[31m", Servers: []string{"EX02"}}
	for i := range 7 {
		branch.SCPs = append(branch.SCPs, diag.SiteSCP{Server: fmt.Sprintf("EX%02d", i), URL: fmt.Sprintf("https://ex%02d.contoso.local/Autodiscover/Autodiscover.xml", i), Rank: diag.RankOtherSite})
	}
	branch.SCPs[0].Thumbprint = rep.Certificates[1].Thumbprint
	rep.Sites = append(rep.Sites, branch)
	brief := render(t, rep, Options{Format: Text})
	if !strings.Contains(brief, "    1. other-site: EX00 ") || strings.Contains(brief, "EX02 https://ex02") || !strings.Contains(brief, "    and 6 more\n") {
		t.Errorf("without --verbose, want the first SCP of each site:\n%s", brief)
	}
	out := render(t, rep, Options{Format: Text, Verbose: true})
	for _, want := range []string{
		"AD sites: the Autodiscover SCPs domain-joined Outlook tries, in order",
		"  Default-First-Site-Name (EX01)\n    1. in-site: EX01 https://ex01.contoso.local/Autodiscover/Autodiscover.xml,",
		`  Branch\x1b[31m (EX02)`,
		"    1. other-site: EX00 https://ex00.contoso.local/Autodiscover/Autodiscover.xml, " + certName(&rep.Certificates[1]),
		"    5. other-site: EX04",
		"    and 2 more\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "EX05") || strings.Contains(out, "\x1b[31m") {
		t.Errorf("more than five SCPs, or a raw escape, in:\n%s", out)
	}
}

// The HTML report shows the same view as a table, values escaped.
func TestHTMLSites(t *testing.T) {
	rep := contosoReport()
	if out := render(t, rep, Options{Format: HTML}); strings.Contains(out, `id="sites"`) {
		t.Errorf("one site got a sites section")
	}
	rep.Sites = append(rep.Sites, diag.SiteView{Site: "Branch<script>", Servers: []string{"EX02"}, SCPs: []diag.SiteSCP{
		{Server: "EX02", URL: "https://ex02.contoso.local/Autodiscover/Autodiscover.xml", Rank: diag.RankOtherSite},
	}})
	out := render(t, rep, Options{Format: HTML})
	for _, want := range []string{`<section id="sites">`, "<td>in-site</td><td>EX01</td>", "Branch&lt;script&gt;", "<td>other-site</td><td>EX02</td>"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(out, "<script>") {
		t.Error("a site name was not escaped")
	}
}
