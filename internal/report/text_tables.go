package report

import (
	"strings"
	"unicode/utf8"
)

// The endpoint and certificate tables of --verbose text output. Columns
// are padded to the widest value up to a cap, so one long URL does not push
// every row right.
const (
	maxURLWidth  = 56
	maxAddrWidth = 24
)

func (t *textRenderer) endpoints() {
	eps := t.rep.Endpoints
	if len(eps) == 0 {
		return
	}
	ix := indexStatus(t.rep.Findings)
	urlW, addrW, tlsW := 0, 0, 0
	for i := range eps {
		urlW = max(urlW, min(utf8.RuneCountInString(clean(eps[i].URL)), maxURLWidth))
		addrW = max(addrW, min(utf8.RuneCountInString(clean(orDash(eps[i].Address))), maxAddrWidth))
		tlsW = max(tlsW, utf8.RuneCountInString(clean(orDash(eps[i].TLSVersion))))
	}
	t.line()
	t.line(t.p.Bold("Endpoints"))
	for _, i := range distinctEndpoints(eps) {
		ep := &eps[i]
		status := t.p.Green("OK") + "   "
		if s, bad := ix.status(ep); bad {
			status = t.sev(s)
		}
		detail := clean(ep.Error)
		if c := leaf(ep, t.certs); c != nil {
			detail = clean(certName(c)) + ", " + expiry(c, t.asOf)
			if ep.Error != "" {
				detail += "; " + clean(ep.Error)
			}
		}
		t.line(strings.TrimRight("  "+status+"  "+pad(clean(ep.URL), urlW)+"  "+pad(clean(orDash(ep.Address)), addrW)+
			"  "+pad(clean(orDash(ep.TLSVersion)), tlsW)+"  "+detail, " "))
	}
}

func (t *textRenderer) certificates() {
	if len(t.rep.Certificates) == 0 {
		return
	}
	t.line()
	t.line(t.p.Bold("Certificates"))
	const ind = "    "
	const lw = 12
	for i := range t.rep.Certificates {
		c := &t.rep.Certificates[i]
		t.line("  ", t.p.Bold(clean(orDash(c.Subject))))
		sans := make([]string, len(c.SANs))
		for j, s := range c.SANs {
			sans[j] = clean(s)
		}
		t.para(ind+label("SANs:", true, lw), ind+label("", false, lw), orDash(strings.Join(capList(sans, maxSANs), ", ")))
		issuer := clean(orDash(c.Issuer))
		if c.SelfSigned {
			issuer += " (self-signed)"
		}
		t.para(ind+label("issuer:", true, lw), ind+label("", false, lw), issuer)
		t.line(ind, label("valid:", true, lw), date(c.NotBefore), " to ", date(c.NotAfter), " ", lifetime(c, t.asOf))
		t.line(ind, label("thumbprint:", true, lw), clean(orDash(c.Thumbprint)))
		if key := strings.Trim(clean(c.KeyAlgorithm)+", "+clean(c.SignatureAlgorithm), ", "); key != "" {
			t.line(ind, label("key:", true, lw), key)
		}
	}
}
