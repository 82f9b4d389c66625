package probe

import (
	"context"
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/safetext"
)

// maxNamesPerCert bounds the names of one certificate looked up: a
// certificate with thousands of SANs must not turn into thousands of
// queries.
const maxNamesPerCert = 16

// certNames lists the names of the leaf certificates served that the run
// has not looked up: the hosts a fix may move clients to (remedy takes a
// name the certificate covers, preferring one that resolves). Only exact
// DNS host names with a dot count: no wildcard, no address, nothing a
// client could not put in a URL.
func certNames(obs *Observations) []string {
	var out []string
	for _, h := range obs.Handshakes {
		if h == nil || len(h.Chain) == 0 {
			continue
		}
		leaf := h.Chain[0]
		names := append([]string{leaf.Subject.CommonName}, leaf.DNSNames...)
		for _, n := range names[:min(len(names), maxNamesPerCert)] {
			n = strings.ToLower(strings.TrimSuffix(n, "."))
			if !safetext.HostName(n) || !strings.Contains(n, ".") {
				continue
			}
			if _, ok := obs.DNS[n]; !ok && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out
}

// resolveCertNames looks up certNames with the same servers and limits as
// the rest of the run, and adds them to obs.DNS.
func (p *Prober) resolveCertNames(ctx context.Context, obs *Observations) {
	names := certNames(obs)
	if len(names) == 0 {
		return
	}
	for h, r := range p.lookupAll(ctx, obs, names) {
		obs.DNS[h] = r
	}
}
