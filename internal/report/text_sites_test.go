package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/diag"
)

// In an organisation of several AD sites the text report lists, per site,
// the SCPs its clients try in order, the first few only; one site needs no
// such list.
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
	out := render(t, rep, Options{Format: Text})
	for _, want := range []string{
		"AD sites (the Autodiscover SCPs domain-joined Outlook tries, in order)",
		"  Default-First-Site-Name (EX01)\n    1. in-site    EX01  https://ex01.contoso.local/Autodiscover/Autodiscover.xml  ",
		`  Branch\x1b[31m (EX02)`,
		"    1. other-site EX00  https://ex00.contoso.local/Autodiscover/Autodiscover.xml  " + certName(&rep.Certificates[1]),
		"    5. other-site EX04",
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
