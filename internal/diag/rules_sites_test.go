package diag

import (
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// scpSpec is one server's Autodiscover SCP: the server's site and the
// SCP's Site= keywords.
type scpSpec struct {
	server, site string
	scope        []string
}

// siteOrg builds the servers, their SCP endpoints (each served with a
// certificate that covers it) and the forest's sites.
func siteOrg(t *testing.T, sites []string, scps ...scpSpec) (*probe.Observations, *inventory.Org) {
	t.Helper()
	p := newPKI(t)
	b := newObs(t)
	org := &inventory.Org{Sites: sites}
	for _, s := range scps {
		host := strings.ToLower(s.server) + ".contoso.local"
		b.url("https://"+host+"/Autodiscover/Autodiscover.xml", trusted(p.leaf(t, t0.AddDate(1, 0, 0), host)))
		eo := &b.obs.Endpoints[len(b.obs.Endpoints)-1]
		eo.Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceAutodiscoverSCP, Scope: inventory.ScopeInternal, Server: s.server, Object: s.server, DN: "CN=" + s.server + ",CN=Autodiscover"}
		eo.Endpoint.SiteScope = s.scope
		org.Servers = append(org.Servers, inventory.Server{Name: s.server, FQDN: host, Site: s.site, Roles: inventory.RoleMailbox})
	}
	return b.obs, org
}

// Setup scopes each SCP to its server's site: each site's clients meet
// their own servers first, and the view says so in Outlook's order.
func TestSiteViewAsSetupLeavesIt(t *testing.T) {
	obs, org := siteOrg(t, []string{"Branch", "HQ"},
		scpSpec{"EX01", "HQ", []string{"HQ"}}, scpSpec{"EX02", "Branch", []string{"Branch"}}, scpSpec{"EX03", "HQ", nil})
	rep := Judge(Input{Obs: obs, Org: org, Now: t0, WarnDays: 30})
	if len(rep.Findings) != 0 {
		t.Errorf("findings %q", codes(rep))
	}
	if len(rep.Sites) != 2 || rep.Sites[0].Site != "Branch" || rep.Sites[1].Site != "HQ" {
		t.Fatalf("sites %+v", rep.Sites)
	}
	var order []string
	for _, s := range rep.Sites[0].SCPs {
		order = append(order, s.Server+" "+s.Rank)
	}
	if want := []string{"EX02 in-site", "EX03 unscoped", "EX01 other-site"}; !equal(order, want) {
		t.Errorf("Branch's clients try %q, want %q", order, want)
	}
	if sc := rep.Sites[0].SCPs[0]; sc.Thumbprint == "" || sc.ServerSite != "Branch" || sc.URL != "https://ex02.contoso.local/Autodiscover/Autodiscover.xml" {
		t.Errorf("first SCP %+v", sc)
	}
	if !equal(rep.Sites[1].Servers, []string{"EX01", "EX03"}) {
		t.Errorf("HQ's servers %q", rep.Sites[1].Servers)
	}
}

func TestAutodiscoverSiteScope(t *testing.T) {
	for _, tt := range []struct {
		name  string
		sites []string
		scps  []scpSpec
		want  []string // "host cause"
		msg   string
	}{
		{"scoped to a site that does not exist", []string{"HQ"}, []scpSpec{{"EX01", "HQ", []string{"HQ"}}, {"EX02", "HQ", []string{"Old-HQ"}}},
			[]string{"ex02.contoso.local missing-site"}, "Old-HQ"},
		{"no site objects read: not judged", nil, []scpSpec{{"EX01", "HQ", []string{"Old-HQ"}}}, nil, ""},
		{"the branch's server is scoped to the main site", []string{"Branch", "HQ"}, []scpSpec{{"EX01", "HQ", []string{"HQ"}}, {"EX02", "Branch", []string{"HQ"}}},
			[]string{"ex02.contoso.local across-wan"}, "clients of Branch are sent across the WAN"},
		{"another site's server is scoped to the branch too", []string{"Branch", "HQ"}, []scpSpec{{"EX01", "HQ", []string{"HQ", "Branch"}}, {"EX02", "Branch", []string{"Branch"}}},
			[]string{"ex01.contoso.local across-wan"}, "The SCP of EX01 is scoped to HQ, Branch"},
		{"every SCP unscoped", []string{"Branch", "HQ"}, []scpSpec{{"EX01", "HQ", nil}, {"EX02", "Branch", nil}},
			[]string{"ex01.contoso.local across-wan", "ex02.contoso.local across-wan"}, "not scoped to any site"},
		{"a site without its own server", []string{"Branch", "HQ"}, []scpSpec{{"EX01", "HQ", []string{"HQ"}}}, nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			obs, org := siteOrg(t, tt.sites, tt.scps...)
			rep := Judge(Input{Obs: obs, Org: org, Now: t0, WarnDays: 30})
			var got []string
			for _, f := range rep.Findings {
				if f.Code != catalog.AutodiscoverSiteScope || f.Severity != Warning {
					t.Errorf("unexpected finding %s %s", f.Severity, f.Code)
					continue
				}
				got = append(got, f.Host+" "+f.Cause)
				if !strings.Contains(f.Message, tt.msg) || len(f.URLs) != 1 || f.Sources[0].Service != inventory.ServiceAutodiscoverSCP {
					t.Errorf("finding %+v: want %q in the message, the SCP's URL and source", f, tt.msg)
				}
			}
			if !equal(got, tt.want) {
				t.Errorf("findings %q, want %q", got, tt.want)
			}
		})
	}
}
