package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// Outlook on a domain-joined machine reads every Autodiscover SCP and tries
// them in this order: those scoped to the machine's AD site (a Site=
// keyword, AutoDiscoverSiteScope), then those without a Site= keyword, then
// the others (Exchange Team Blog, "Exchange Active Directory Deployment
// Site"; Autodiscover for developers, SCP lookup). Setup scopes each SCP to
// its server's site.

// scpEntry is one URL SCP of the run.
type scpEntry struct {
	eo    probe.EndpointObservation
	scope []string
	site  string // its server's site
}

// siteView lists, for each AD site with Exchange servers, the SCPs its
// clients try, and warns about SCPs scoped to sites that do not exist and
// sites whose clients are sent to another site while one of their own
// servers has an SCP.
func (j *judge) siteView() {
	siteOf := map[string]string{}
	var sites []string
	members := map[string][]string{}
	for _, s := range j.in.Org.Servers {
		siteOf[strings.ToLower(s.Name)] = s.Site
		if s.Site == "" || s.Roles.Has(inventory.RoleEdge) {
			continue
		}
		k := strings.ToLower(s.Site)
		if _, ok := members[k]; !ok {
			sites = append(sites, s.Site)
		}
		members[k] = append(members[k], s.Name)
	}
	var scps []scpEntry
	seen := map[string]bool{}
	for _, eo := range j.in.Obs.Endpoints {
		src := eo.Endpoint.Source
		if src.Service != inventory.ServiceAutodiscoverSCP || seen[src.DN+"\x00"+eo.Endpoint.URL] {
			continue
		}
		seen[src.DN+"\x00"+eo.Endpoint.URL] = true
		scps = append(scps, scpEntry{eo: eo, scope: eo.Endpoint.SiteScope, site: siteOf[strings.ToLower(src.Server)]})
	}
	if len(scps) == 0 {
		return
	}
	j.missingSites(scps)
	slices.SortFunc(sites, func(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) })
	wan := map[string]*acrossWAN{}
	var order []string
	for _, site := range sites {
		ranked := rankSCPs(scps, site)
		view := SiteView{Site: site, Servers: members[strings.ToLower(site)]}
		for _, r := range ranked {
			sc := SiteSCP{Server: r.eo.Endpoint.Source.Server, URL: r.eo.Endpoint.URL, Rank: r.rank, Scope: r.scope, ServerSite: r.site}
			if hs := j.in.Obs.Handshakes[r.eo.Handshake]; hs != nil && len(hs.Chain) > 0 {
				sc.Thumbprint = Thumbprint(hs.Chain[0])
			}
			view.SCPs = append(view.SCPs, sc)
		}
		j.sites = append(j.sites, view)
		for _, w := range sentAcrossWAN(site, ranked) {
			k := w.scp.eo.Endpoint.Source.DN + "\x00" + w.scp.eo.Endpoint.URL
			if wan[k] == nil {
				wan[k] = &acrossWAN{scp: w.scp}
				order = append(order, k)
			}
			wan[k].sites = append(wan[k].sites, w.sites...)
			wan[k].why = append(wan[k].why, w.why...)
		}
	}
	for _, k := range order {
		w := wan[k]
		f := Finding{Code: catalog.AutodiscoverSiteScope, Severity: Warning, Host: w.scp.eo.Target.Host, Cause: "across-wan"}
		f.Message = strings.Join(w.why, " ") + fmt.Sprintf(" The SCP of %s is %s; its server is in %s.", w.scp.eo.Endpoint.Source.Server, scopeWords(w.scp.scope), orUnknownSite(w.scp.site))
		j.add(f, k, w.scp.eo)
	}
}

// acrossWAN is an SCP whose scope sends the clients of some sites across
// the WAN, and why.
type acrossWAN struct {
	scp   scpEntry
	sites []string
	why   []string
}

func orUnknownSite(s string) string {
	if s == "" {
		return "an unknown site"
	}
	return s
}

type rankedSCP struct {
	scpEntry
	rank string
}

// rankSCPs orders the SCPs as the clients of site try them; within a rank
// the order is the directory's (clients pick among them).
func rankSCPs(scps []scpEntry, site string) []rankedSCP {
	out := make([]rankedSCP, 0, len(scps))
	for _, s := range scps {
		r := RankOtherSite
		switch {
		case slices.ContainsFunc(s.scope, func(x string) bool { return strings.EqualFold(x, site) }):
			r = RankInSite
		case len(s.scope) == 0:
			r = RankUnscoped
		}
		out = append(out, rankedSCP{s, r})
	}
	order := map[string]int{RankInSite: 0, RankUnscoped: 1, RankOtherSite: 2}
	slices.SortStableFunc(out, func(a, b rankedSCP) int { return order[a.rank] - order[b.rank] })
	return out
}

// sentAcrossWAN finds, when the first SCPs the clients of site try
// include another site's server while a server of site has an SCP, the
// SCPs to scope differently.
func sentAcrossWAN(site string, ranked []rankedSCP) []acrossWAN {
	local := func(r rankedSCP) bool { return strings.EqualFold(r.site, site) }
	if !slices.ContainsFunc(ranked, local) {
		return nil
	}
	best := ranked[0].rank
	var first, remote, locals []rankedSCP
	for _, r := range ranked {
		if local(r) {
			locals = append(locals, r)
		}
		if r.rank == best {
			first = append(first, r)
			if !local(r) {
				remote = append(remote, r)
			}
		}
	}
	if len(remote) == 0 {
		return nil
	}
	// No SCP is scoped to the site: scoping the local ones to it makes them
	// rank first. Otherwise the other sites' SCPs scoped to it too must go.
	change := remote
	if best != RankInSite {
		change = locals
	}
	var names []string
	for _, r := range first {
		names = append(names, fmt.Sprintf("%s (%s, %s)", r.eo.Endpoint.Source.Server, r.eo.Endpoint.URL, scopeWords(r.scope)))
	}
	localNames := uniqueServers(locals)
	has := "has an SCP"
	if len(localNames) > 1 {
		has = "have SCPs"
	}
	why := fmt.Sprintf("Outlook on domain-joined machines in the AD site %s tries the Autodiscover SCPs of %s first (%s), although %s in %s %s: "+
		"clients of %s are sent across the WAN to another site's server for Autodiscover, and meet its certificate.",
		site, strings.Join(uniqueServers(first), ", "), strings.Join(names, "; "), strings.Join(localNames, ", "), site, has, site)
	out := make([]acrossWAN, 0, len(change))
	for _, r := range change {
		out = append(out, acrossWAN{scp: r.scpEntry, sites: []string{site}, why: []string{why}})
	}
	return out
}

// missingSites warns about SCPs scoped to a site the forest does not have.
// Without the site objects (an export of the Exchange subtree only), it
// cannot tell.
func (j *judge) missingSites(scps []scpEntry) {
	known := j.in.Org.Sites
	if len(known) == 0 {
		return
	}
	for _, s := range scps {
		for _, site := range s.scope {
			if slices.ContainsFunc(known, func(k string) bool { return strings.EqualFold(k, site) }) {
				continue
			}
			src := s.eo.Endpoint.Source
			f := Finding{Code: catalog.AutodiscoverSiteScope, Severity: Warning, Host: s.eo.Target.Host, Cause: "missing-site"}
			f.Message = fmt.Sprintf("The Autodiscover SCP of %s is scoped to the AD site %s (a Site= keyword), which does not exist in this forest (its sites: %s). "+
				"No client is in that site, so clients everywhere rank this SCP after those of their own site and the unscoped ones%s.",
				src.Server, site, strings.Join(known, ", "), ownSiteNote(s))
			j.add(f, site, s.eo)
		}
	}
}

func ownSiteNote(s scpEntry) string {
	if s.site == "" || slices.ContainsFunc(s.scope, func(x string) bool { return strings.EqualFold(x, s.site) }) {
		return ""
	}
	return ", and clients of its own site " + s.site + " may be sent to another site's server"
}

func scopeWords(scope []string) string {
	if len(scope) == 0 {
		return "not scoped to any site"
	}
	return "scoped to " + strings.Join(scope, ", ")
}

func uniqueServers(rs []rankedSCP) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.eo.Endpoint.Source.Server)
	}
	return unique(out)
}

func unique(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
