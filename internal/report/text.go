package report

import (
	"bufio"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/term"
)

// The text report fits one screen in the common case: per finding its
// severity, code, host and URL count, one sentence, the servers table of a
// finding that compares servers, and the fix, each distinct command printed
// once. --verbose adds the whole message, every URL (up to maxListed), the
// directory objects with their DNs, the fix comments, and the endpoint and
// certificate tables. Prose wraps at the width; commands never do, so they
// can be pasted.
const (
	defaultWidth = 100
	detailIndent = "      " // under the code, after "ERROR "
	cmdIndent    = "        "
	// maxListed caps the URLs and directory objects listed per finding.
	maxListed = 25
	// maxSANs caps the names listed per certificate.
	maxSANs = 10
)

type textRenderer struct {
	w       *bufio.Writer
	p       term.Palette
	rep     *diag.Report
	certs   map[string]*diag.CertInfo
	asOf    time.Time
	width   int
	verbose bool
	// full prints a finding's whole message and every fix step with its
	// explanation, without --verbose's details (JUnit failure bodies).
	full bool
	// given maps each fix step already printed to the finding that printed
	// it, so a later finding refers to it instead of repeating it.
	given map[string]string
}

func renderText(w *bufio.Writer, rep *diag.Report, opts Options) {
	t := &textRenderer{w: w, p: opts.Palette, rep: rep, certs: certIndex(rep), asOf: asOf(rep),
		width: opts.width(), verbose: opts.Verbose, given: map[string]string{}}
	t.header()
	t.findings()
	t.sites()
	if t.verbose {
		t.endpoints()
		t.certificates()
	}
}

func (t *textRenderer) line(parts ...string) {
	for _, s := range parts {
		t.w.WriteString(s)
	}
	t.w.WriteByte('\n')
}

// para writes s wrapped to the width, each line after prefix (the first)
// or indent (the rest).
func (t *textRenderer) para(prefix, indent, s string) {
	lines := wrapFirst(s, t.width-utf8.RuneCountInString(prefix), t.width-utf8.RuneCountInString(indent))
	if len(lines) == 0 {
		t.line(strings.TrimRight(prefix, " "))
		return
	}
	for i, l := range lines {
		if i == 0 {
			t.line(prefix, l)
		} else {
			t.line(indent, l)
		}
	}
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
	t.para("", "", "exdiag: "+countFindings(rep.Findings).problems()+" "+scope(rep.Summary))
	var ctx []string
	if rep.Org != "" {
		ctx = append(ctx, "org "+clean(rep.Org))
	}
	ctx = append(ctx, when(rep))
	if len(rep.DNSServers) > 0 {
		ctx = append(ctx, "DNS servers "+clean(strings.Join(rep.DNSServers, ", ")))
	}
	t.para("", "  ", strings.Join(ctx, ", "))
}

func (t *textRenderer) findings() {
	fs := t.rep.Findings
	t.line()
	if len(fs) == 0 {
		t.line("No problems found.")
		return
	}
	for i := range fs {
		if i > 0 {
			t.line()
		}
		t.finding(&fs[i])
	}
	if !t.verbose {
		t.line()
		t.line(t.p.Dim("--verbose lists every URL, the directory objects, endpoints and certificates."))
	}
}

// title names a finding in references: "servers-disagree on mail.contoso.com".
func title(f *diag.Finding) string {
	s := clean(string(f.Code))
	if f.Host != "" {
		s += " on " + clean(f.Host)
	}
	return s
}

func (t *textRenderer) finding(f *diag.Finding) {
	head := t.sev(f.Severity) + " " + clean(string(f.Code))
	switch n := len(f.URLs); {
	case f.Host != "" && n > 0:
		head += ": " + clean(f.Host) + " (" + plural(n, "URL") + ")"
	case f.Host != "":
		head += ": " + clean(f.Host)
	case n > 0:
		// Without a host (a URL that cannot be parsed) the URL is the
		// only name the problem has.
		head += ": " + capRunes(clean(f.URLs[0]), maxSentence/4)
		if n > 1 {
			head += " (+" + plural(n-1, "more URL") + ")"
		}
	}
	t.line(head)
	msg := clean(f.Message)
	if !t.verbose && !t.full {
		msg = firstSentence(msg)
	}
	t.para(detailIndent, detailIndent, msg)
	t.serverTable(f.Servers)
	if t.verbose {
		t.details(f)
	}
	t.fixes(f)
}

// serverTable writes one row per certificate the servers served:
// thumbprint, expiry, and the servers, as many as fit.
func (t *textRenderer) serverTable(scs []diag.ServerCert) {
	if len(scs) == 0 {
		return
	}
	const ind = detailIndent + "  "
	rows := make([][2]string, 0, 4)
	w := 0
	for _, g := range groupServers(scs, t.certs) {
		left := "(none)    could not be checked"
		if g.cert != nil {
			left = pad(clean(shortThumb(g.leaf)), 8) + "  " + expiry(g.cert, t.asOf)
		} else if g.leaf != "" {
			left = pad(clean(shortThumb(g.leaf)), 8)
		}
		w = max(w, utf8.RuneCountInString(left))
		rows = append(rows, [2]string{left, strings.Join(g.servers, "\x00")})
	}
	for _, r := range rows {
		room := t.width - len(ind) - w - 2
		t.line(ind, pad(r[0], w), "  ", joinFit(strings.Split(r[1], "\x00"), room))
	}
}

// details are what --verbose adds to a finding: the address, the
// certificate, every URL and the directory objects holding them.
func (t *textRenderer) details(f *diag.Finding) {
	if f.Address != "" {
		t.line(detailIndent, "address: ", clean(f.Address))
	}
	if f.Thumbprint != "" {
		cert := clean(f.Thumbprint)
		if c := t.certs[f.Thumbprint]; c != nil {
			cert = clean(certName(c)) + ", thumbprint " + cert
		}
		t.line(detailIndent, "certificate: ", cert)
	}
	urls := make([]string, len(f.URLs))
	for i, u := range f.URLs {
		urls[i] = clean(u)
	}
	for i, u := range capList(urls, maxListed) {
		t.line(detailIndent, label("URLs:", i == 0, 6), u)
	}
	var srcs []inventory.Source
	for _, s := range f.Sources {
		if s.Origin != inventory.OriginFlag {
			srcs = append(srcs, s)
		}
	}
	for i, s := range srcs {
		if i == maxListed-1 && len(srcs) > maxListed {
			t.line(detailIndent, "source: … and ", plural(len(srcs)-i, "more object"))
			break
		}
		t.line(detailIndent, "source: ", describeSource(s))
		if s.DN != "" {
			t.line(detailIndent, "        ", clean(s.DN))
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

// label pads name to width, or returns only spaces on continuation lines.
func label(name string, first bool, width int) string {
	if !first {
		name = ""
	}
	return pad(name, width)
}
