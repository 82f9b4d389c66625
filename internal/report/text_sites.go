package report

import (
	"strconv"
	"strings"
)

// maxSiteSCPs bounds the SCPs listed per site: the first ones are those
// clients use; a site of a thousand servers must not print a thousand lines.
const maxSiteSCPs = 5

// sites lists, in an organisation of several AD sites, the Autodiscover
// SCPs each site's domain-joined clients try, in Outlook's order, with the
// certificate each URL served. One site needs no view: every client sees
// the same list.
func (t *textRenderer) sites() {
	if len(t.rep.Sites) < 2 {
		return
	}
	t.line()
	t.line(t.p.Bold("AD sites"), " (the Autodiscover SCPs domain-joined Outlook tries, in order)")
	for i := range t.rep.Sites {
		v := &t.rep.Sites[i]
		servers := make([]string, len(v.Servers))
		for j, s := range v.Servers {
			servers[j] = clean(s)
		}
		t.line("  ", clean(v.Site), " (", strings.Join(servers, ", "), ")")
		for j, sc := range v.SCPs[:min(len(v.SCPs), maxSiteSCPs)] {
			cert := "-"
			if c := t.certs[sc.Thumbprint]; c != nil {
				cert = clean(certName(c))
			}
			t.line("    ", strconv.Itoa(j+1), ". ", pad(clean(sc.Rank), 10), " ", clean(sc.Server), "  ", clean(sc.URL), "  ", cert)
		}
		if n := len(v.SCPs) - maxSiteSCPs; n > 0 {
			t.line("    and ", strconv.Itoa(n), " more")
		}
	}
}
