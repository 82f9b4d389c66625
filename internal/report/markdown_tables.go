package report

import "strings"

// The endpoint and certificate tables of --verbose Markdown output.

func (m *mdRenderer) certificates() {
	if len(m.rep.Certificates) == 0 {
		return
	}
	m.line()
	m.line("### Certificates seen")
	m.line()
	m.table("Thumbprint", "Name", "Issuer", "Valid until", "SANs")
	for i := range m.rep.Certificates {
		c := &m.rep.Certificates[i]
		sans := make([]string, len(c.SANs))
		for j, s := range c.SANs {
			sans[j] = mdText(capRunes(s, mdCellWidth))
		}
		issuer := mdText(capRunes(orDash(c.Issuer), mdCellWidth))
		if c.SelfSigned {
			issuer += " (self-signed)"
		}
		m.row(mdText(c.Thumbprint), mdText(capRunes(certName(c), mdCellWidth)), issuer,
			date(c.NotAfter)+" "+lifetime(c, asOf(m.rep)), joinFit(capList(sans, maxSANs), 2*mdCellWidth-40))
	}
}

func (m *mdRenderer) endpoints() {
	if len(m.rep.Endpoints) == 0 {
		return
	}
	ix := indexStatus(m.rep.Findings)
	m.line()
	m.line("### Endpoints")
	m.line()
	m.table("Status", "URL", "Address", "TLS", "Certificate")
	for _, i := range distinctEndpoints(m.rep.Endpoints) {
		ep := &m.rep.Endpoints[i]
		status := "OK"
		if s, bad := ix.status(ep); bad {
			status = s.Label()
		}
		cert := mdText(capRunes(ep.Error, mdCellWidth))
		if c := leaf(ep, m.certs); c != nil {
			cert = mdText(shortThumb(c.Thumbprint)) + ", " + expiry(c, asOf(m.rep))
		}
		m.row(status, mdText(capRunes(ep.URL, mdCellWidth)), mdText(ep.Address), mdText(ep.TLSVersion), strings.TrimSpace(cert))
	}
}
