package report

import (
	"strconv"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
)

// htmlSite is one AD site's row group in the HTML report: the first SCPs
// its domain-joined clients try, in order.
type htmlSite struct {
	Name, Servers string
	SCPs          []htmlSiteSCP
	More          string
}

type htmlSiteSCP struct{ N, Rank, Server, URL, Cert string }

// htmlSites is the per-site view of an organisation of several AD sites;
// nil for one site, where every client sees the same list.
func htmlSites(rep *diag.Report, certs map[string]*diag.CertInfo) []htmlSite {
	if len(rep.Sites) < 2 {
		return nil
	}
	var out []htmlSite
	for i := range rep.Sites {
		v := &rep.Sites[i]
		servers := make([]string, len(v.Servers))
		for j, s := range v.Servers {
			servers[j] = clean(s)
		}
		site := htmlSite{Name: clean(v.Site), Servers: strings.Join(servers, ", ")}
		for j, sc := range v.SCPs[:min(len(v.SCPs), maxSiteSCPs)] {
			cert := "–"
			if c := certs[sc.Thumbprint]; c != nil {
				cert = clean(certName(c))
			}
			site.SCPs = append(site.SCPs, htmlSiteSCP{N: strconv.Itoa(j + 1), Rank: clean(sc.Rank), Server: clean(sc.Server), URL: clean(sc.URL), Cert: cert})
		}
		if n := len(v.SCPs) - maxSiteSCPs; n > 0 {
			site.More = "and " + strconv.Itoa(n) + " more"
		}
		out = append(out, site)
	}
	return out
}
