package remedy

import (
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/probe"
	"github.com/exdiag/exdiag/internal/safetext"
)

// choice is the host a fix moves clients to.
type choice struct {
	host string
	// resolves is false when the host has no DNS record yet: the fix then
	// starts by adding one (KB 940726's host-record note).
	resolves bool
	// why explains a refusal when host is empty.
	why string
}

// chooseHost picks the replacement host for a URL whose host the served
// certificate does not cover: a name the certificate covers without a
// wildcard, preferring one that resolves: the subject CN first, then SANs
// other URLs of the organisation already use, then the remaining SANs.
func (r *remedier) chooseHost(cert *diag.CertInfo) choice {
	if r.in.TargetHost != "" {
		h := strings.ToLower(r.in.TargetHost)
		return choice{host: h, resolves: r.resolves(h)}
	}
	if cert == nil {
		return choice{why: "no certificate was served, so no name can be chosen from it"}
	}
	if cert.SelfSigned {
		return choice{why: "the certificate is self-signed: moving URLs to its names would not stop Outlook's warning"}
	}
	var candidates []string
	add := func(n string) {
		n = strings.ToLower(strings.TrimSuffix(n, "."))
		// A name that is not a DNS host name (a SAN holding quotes or
		// spaces, an IP address) never becomes the host URLs move to.
		if !safetext.HostName(n) || slices.Contains(candidates, n) || !strings.Contains(n, ".") {
			return
		}
		candidates = append(candidates, n)
	}
	if len(cert.SANs) == 0 || slices.ContainsFunc(cert.SANs, func(s string) bool { return strings.EqualFold(s, cert.CommonName) }) {
		add(cert.CommonName)
	}
	for _, s := range cert.SANs {
		if r.usedHosts[strings.ToLower(s)] {
			add(s)
		}
	}
	for _, s := range cert.SANs {
		if strings.HasPrefix(strings.ToLower(s), "autodiscover.") {
			continue // the Autodiscover name is for Autodiscover, not for every service
		}
		add(s)
	}
	if len(candidates) == 0 {
		return choice{why: "the certificate names no host exactly (only wildcards, IP addresses, single-label names or names that are not DNS host names)"}
	}
	for _, c := range candidates {
		if r.resolves(c) {
			return choice{host: c, resolves: true}
		}
	}
	return choice{host: candidates[0]}
}

// resolves reports whether host was found in DNS during the run.
func (r *remedier) resolves(host string) bool {
	d := r.in.DNS[strings.ToLower(host)]
	return d != nil && d.Status == probe.DNSFound
}
