package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
)

// certGroup is the servers that served one certificate for a name: a
// servers-disagree finding shows one row per group, never a run-on line.
type certGroup struct {
	// leaf is the certificate's thumbprint; "" for the servers that
	// served none (cert is then nil).
	leaf string
	cert *diag.CertInfo
	// servers name each server once, with its services ("EX22 (SMTP)")
	// when the server also appears in another group.
	servers []string
}

// groupServers groups per-server observations by the certificate served,
// the newest certificate (latest expiry) first and the servers that served
// none last.
func groupServers(scs []diag.ServerCert, certs map[string]*diag.CertInfo) []certGroup {
	type member struct {
		server   string
		services []string
	}
	byLeaf := map[string][]member{}
	groupsOf := map[string]map[string]bool{}
	var order []string
	for _, sc := range scs {
		ms, seen := byLeaf[sc.Leaf]
		if !seen {
			order = append(order, sc.Leaf)
		}
		i := slices.IndexFunc(ms, func(m member) bool { return m.server == sc.Server })
		if i < 0 {
			ms = append(ms, member{server: sc.Server})
			i = len(ms) - 1
		}
		if !slices.Contains(ms[i].services, sc.Service) && sc.Service != "" {
			ms[i].services = append(ms[i].services, sc.Service)
		}
		byLeaf[sc.Leaf] = ms
		if groupsOf[sc.Server] == nil {
			groupsOf[sc.Server] = map[string]bool{}
		}
		groupsOf[sc.Server][sc.Leaf] = true
	}
	out := make([]certGroup, 0, len(order))
	for _, leaf := range order {
		g := certGroup{leaf: leaf, cert: certs[leaf]}
		for _, m := range byLeaf[leaf] {
			name := clean(m.server)
			if len(groupsOf[m.server]) > 1 && len(m.services) > 0 {
				name += " (" + clean(strings.Join(m.services, ", ")) + ")"
			}
			g.servers = append(g.servers, name)
		}
		out = append(out, g)
	}
	slices.SortStableFunc(out, func(a, b certGroup) int {
		switch {
		case a.cert == nil || b.cert == nil:
			return cmp.Compare(boolInt(a.cert == nil), boolInt(b.cert == nil))
		}
		return cmp.Or(b.cert.NotAfter.Compare(a.cert.NotAfter), cmp.Compare(a.leaf, b.leaf))
	})
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
