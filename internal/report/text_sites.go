package report

import (
	"strconv"
	"unicode/utf8"
)

// maxSiteSCPs bounds the SCPs --verbose lists per site: the first ones are
// those clients use; a site of a thousand servers must not print a
// thousand lines.
const maxSiteSCPs = 5

// sites lists, in an organisation of several AD sites, the Autodiscover
// SCP each site's domain-joined clients try first (with --verbose, the
// first few in Outlook's order), with the certificate it served. One site
// needs no view: every client sees the same list.
func (t *textRenderer) sites() {
	if len(t.rep.Sites) < 2 {
		return
	}
	t.line()
	t.line(t.p.Bold("AD sites"), ": the Autodiscover SCPs domain-joined Outlook tries, in order")
	show := 1
	if t.verbose {
		show = maxSiteSCPs
	}
	for i := range t.rep.Sites {
		v := &t.rep.Sites[i]
		servers := make([]string, len(v.Servers))
		for j, s := range v.Servers {
			servers[j] = clean(s)
		}
		site := clean(v.Site)
		t.para("  ", "    ", site+" ("+joinFit(servers, t.width-utf8.RuneCountInString(site)-5)+")")
		for j, sc := range v.SCPs[:min(len(v.SCPs), show)] {
			cert := ""
			if c := t.certs[sc.Thumbprint]; c != nil {
				cert = ", " + clean(certName(c))
			}
			t.para("    "+strconv.Itoa(j+1)+". ", "       ", clean(sc.Rank)+": "+clean(sc.Server)+" "+clean(sc.URL)+cert)
		}
		if n := len(v.SCPs) - show; n > 0 {
			t.line("    and ", strconv.Itoa(n), " more")
		}
	}
}
