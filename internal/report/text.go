package report

import (
	"bufio"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/term"
)

// Text layout: findings are "  ERROR code  url" with details indented to
// detailIndent; messages are one line each, long SAN lists wrap at
// textWidth. Columns are padded to the widest
// value up to a cap, so one long URL does not push every row right.
const (
	textWidth    = 100
	detailIndent = "        "
	maxCodeWidth = 24
	maxURLWidth  = 56
	maxAddrWidth = 24
)

type textRenderer struct {
	w     *bufio.Writer
	p     term.Palette
	rep   *diag.Report
	certs map[string]*diag.CertInfo
}

func renderText(w *bufio.Writer, rep *diag.Report, p term.Palette) {
	t := &textRenderer{w: w, p: p, rep: rep, certs: certIndex(rep)}
	t.header()
	t.findings()
	t.endpoints()
	t.sites()
	t.certificates()
}

func (t *textRenderer) line(parts ...string) {
	for _, s := range parts {
		t.w.WriteString(s)
	}
	t.w.WriteByte('\n')
}

// sev is the severity word padded to five columns, coloured when on.
func (t *textRenderer) sev(s diag.Severity) string {
	label := s.Label()
	pad := strings.Repeat(" ", 5-len(label))
	switch s {
	case diag.Error:
		return t.p.Red(label) + pad
	case diag.Warning:
		return t.p.Yellow(label) + pad
	}
	return t.p.Dim(label) + pad
}

func (t *textRenderer) header() {
	rep := t.rep
	t.line("exdiag: ", countFindings(rep.Findings).problems(), " ", scope(rep.Summary))
	var ctx []string
	if rep.Org != "" {
		ctx = append(ctx, "org "+clean(rep.Org))
	}
	ctx = append(ctx, "checked "+timestamp(rep.GeneratedAt))
	if len(rep.DNSServers) > 0 {
		ctx = append(ctx, "DNS servers "+clean(strings.Join(rep.DNSServers, ", ")))
	}
	t.line(strings.Join(ctx, ", "))
}

func (t *textRenderer) findings() {
	fs := t.rep.Findings
	t.line()
	if len(fs) == 0 {
		t.line("No problems found.")
		return
	}
	codeWidth := 0
	var hosts []string
	byHost := map[string][]int{}
	for i, f := range fs {
		codeWidth = max(codeWidth, min(utf8.RuneCountInString(clean(string(f.Code))), maxCodeWidth))
		if _, seen := byHost[f.Host]; !seen {
			hosts = append(hosts, f.Host)
		}
		byHost[f.Host] = append(byHost[f.Host], i)
	}
	for hi, h := range hosts {
		if hi > 0 {
			t.line()
		}
		name := clean(h)
		if name == "" {
			name = "(no host)"
		}
		t.line(t.p.Bold(name))
		for _, i := range byHost[h] {
			t.finding(&fs[i], codeWidth)
		}
	}
}

func (t *textRenderer) finding(f *diag.Finding, codeWidth int) {
	head := "  " + t.sev(f.Severity) + " " + pad(clean(string(f.Code)), codeWidth)
	if u := f.URL(); u != "" {
		head += "  " + clean(u)
	}
	if f.Address != "" {
		head += " (" + clean(f.Address) + ")"
	}
	t.line(strings.TrimRight(head, " "))
	// Messages stay on one line: terminals and ticket systems wrap them,
	// and grep still finds a phrase that a hard wrap would split.
	t.line(detailIndent, clean(f.Message))
	for i, u := range f.URLs[min(1, len(f.URLs)):] {
		t.line(detailIndent, label("also:", i == 0, 6), clean(u))
	}
	if f.Thumbprint != "" {
		cert := clean(f.Thumbprint)
		if c := t.certs[f.Thumbprint]; c != nil {
			cert = clean(certName(c)) + ", thumbprint " + cert
		}
		t.line(detailIndent, "certificate: ", cert)
	}
	for _, s := range f.Sources {
		if s.Origin == inventory.OriginFlag {
			continue
		}
		t.line(detailIndent, "source: ", describeSource(s))
		if s.DN != "" {
			t.line(detailIndent, "        ", clean(s.DN))
		}
	}
	t.fixes(f.Fix)
}

// fixes prints the steps numbered by their comments: a step without a
// comment continues the step before it, so three Set- commands under one
// explanation read as one step.
func (t *textRenderer) fixes(steps []diag.Fix) {
	numbered := 0
	for i, fx := range steps {
		if i == 0 || fx.Comment != "" {
			numbered++
		}
	}
	n := 0
	for i, fx := range steps {
		if i == 0 || fx.Comment != "" {
			n++
			name := "fix:"
			if numbered > 1 {
				name = "fix " + strconv.Itoa(n) + ":"
			}
			t.line(strings.TrimRight(detailIndent+name+" "+clean(fx.Comment), " "))
		}
		if fx.Command != "" {
			t.line(detailIndent, "  ", clean(fx.Command))
		}
	}
}

// describeSource names a directory value the way an Exchange admin finds
// it: "EX01\EWS (Default Web Site), ews internal, msExchInternalHostName".
func describeSource(s inventory.Source) string {
	id := s.Object
	switch {
	case id == "":
		id = s.Server
	case s.Server != "" && s.Server != id:
		id = s.Server + `\` + id
	}
	var parts []string
	service := string(s.Service)
	if t := s.Service.Title(); t != "" {
		service = t
	}
	for _, p := range []string{id, strings.TrimSpace(service + " " + string(s.Scope)), s.Attribute} {
		if p != "" {
			parts = append(parts, clean(p))
		}
	}
	if len(parts) == 0 {
		return clean(string(s.Origin))
	}
	return strings.Join(parts, ", ")
}

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
	// A URL that several directory objects publish (an InternalUrl and an
	// ExternalUrl alike, or every server of a namespace) is listed once per
	// address it was reached at.
	type seenKey struct{ url, addr, leaf string }
	seen := map[seenKey]bool{}
	for i := range eps {
		ep := &eps[i]
		k := seenKey{ep.URL, ep.Address, ep.Leaf}
		if seen[k] {
			continue
		}
		seen[k] = true
		status := t.p.Green("OK") + "   "
		if s, bad := ix.status(ep); bad {
			status = t.sev(s)
		}
		detail := clean(ep.Error)
		if c := leaf(ep, t.certs); c != nil {
			detail = clean(certName(c)) + ", " + expiry(c, t.rep.GeneratedAt)
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
	for i := range t.rep.Certificates {
		c := &t.rep.Certificates[i]
		t.line("  ", t.p.Bold(clean(orDash(c.Subject))))
		sans := make([]string, len(c.SANs))
		for j, s := range c.SANs {
			sans[j] = clean(s)
		}
		for j, l := range wrap(orDash(strings.Join(sans, ", ")), textWidth-len(ind)-12) {
			t.line(ind, label("SANs:", j == 0, 12), l)
		}
		issuer := clean(orDash(c.Issuer))
		if c.SelfSigned {
			issuer += " (self-signed)"
		}
		t.line(ind, label("issuer:", true, 12), issuer)
		t.line(ind, label("valid:", true, 12), date(c.NotBefore), " to ", date(c.NotAfter), " ", lifetime(c, t.rep.GeneratedAt))
		t.line(ind, label("thumbprint:", true, 12), clean(orDash(c.Thumbprint)))
		if key := strings.Trim(clean(c.KeyAlgorithm)+", "+clean(c.SignatureAlgorithm), ", "); key != "" {
			t.line(ind, label("key:", true, 12), key)
		}
	}
}

// label pads name to width, or returns only spaces on continuation lines.
func label(name string, first bool, width int) string {
	if !first {
		name = ""
	}
	return pad(name, width)
}

func pad(s string, width int) string {
	n := utf8.RuneCountInString(s)
	if n >= width {
		return s
	}
	return s + strings.Repeat(" ", width-n)
}

// wrap breaks s at spaces into lines of at most width runes; a word longer
// than width (a URL) gets a line of its own.
func wrap(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	n := 0
	for w := range strings.SplitSeq(s, " ") {
		if w == "" {
			continue
		}
		wn := utf8.RuneCountInString(w)
		if n > 0 && n+1+wn > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(w)
		n += wn
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
