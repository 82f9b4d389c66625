package report

import (
	"bufio"
	"strconv"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

// The Markdown is for tickets: GitHub-flavoured renderers (tables) at
// ticket width, and still readable when a ticket system shows it raw. A
// verdict line, a narrow table of findings, then one section per finding
// with its message and fix. Untrusted text goes through mdText (escaped
// running text) in tables and headings, mdCode (code span) in lists, and
// fenced blocks for commands.
const (
	// mdCodeWidth is the widest line of a fenced block: comments are
	// wrapped and long commands continued on the next line.
	mdCodeWidth = 120
	// mdCellWidth caps what one table cell shows of a value.
	mdCellWidth = 100
)

type mdRenderer struct {
	w       *bufio.Writer
	rep     *diag.Report
	certs   map[string]*diag.CertInfo
	verbose bool
}

func renderMarkdown(w *bufio.Writer, rep *diag.Report, opts Options) {
	m := &mdRenderer{w: w, rep: rep, certs: certIndex(rep), verbose: opts.Verbose}
	m.header(opts.ToolVersion)
	m.summary()
	m.sections()
	if m.verbose {
		m.endpoints()
		m.certificates()
	}
}

func (m *mdRenderer) line(parts ...string) {
	for _, s := range parts {
		m.w.WriteString(s)
	}
	m.w.WriteByte('\n')
}

// row writes one table row; cells must already be escaped.
func (m *mdRenderer) row(cells ...string) {
	m.w.WriteString("|")
	for _, c := range cells {
		m.w.WriteString(" ")
		m.w.WriteString(orDash(c))
		m.w.WriteString(" |")
	}
	m.w.WriteByte('\n')
}

func (m *mdRenderer) table(head ...string) {
	m.row(head...)
	m.w.WriteString("|")
	for range head {
		m.w.WriteString(" --- |")
	}
	m.w.WriteByte('\n')
}

// verdict is FAIL with errors, WARN with warnings, else PASS.
func verdict(c counts) string {
	switch {
	case c.errors > 0:
		return "FAIL"
	case c.warnings > 0:
		return "WARN"
	}
	return "PASS"
}

func (m *mdRenderer) header(version string) {
	rep := m.rep
	c := countFindings(rep.Findings)
	m.line("## exdiag report")
	m.line()
	m.line("**", verdict(c), ": ", c.problems(), "** ", scope(rep.Summary))
	m.line()
	var ctx []string
	if rep.Org != "" {
		ctx = append(ctx, "organisation "+mdText(rep.Org))
	}
	ctx = append(ctx, when(rep))
	if version != "" {
		ctx = append(ctx, "exdiag "+mdText(version))
	}
	if len(rep.DNSServers) > 0 {
		ctx = append(ctx, "DNS servers "+mdText(strings.Join(rep.DNSServers, ", ")))
	}
	m.line(upperFirst(strings.Join(ctx, ", ")), ".")
}

// problemTitle is the short sentence naming a finding's problem: the
// code's title from exdiag explain, else the message's first sentence.
func problemTitle(f *diag.Finding) string {
	if e, ok := catalog.Lookup(f.Code); ok && e.Title != "" {
		return e.Title
	}
	return capRunes(firstSentence(f.Message), mdCellWidth)
}

func (m *mdRenderer) summary() {
	m.line()
	m.line("### Findings")
	m.line()
	if len(m.rep.Findings) == 0 {
		m.line("No problems found.")
		return
	}
	m.table("Severity", "Problem", "Host", "URLs")
	for i := range m.rep.Findings {
		f := &m.rep.Findings[i]
		problem := strconv.Itoa(i+1) + ". " + mdText(upperFirst(problemTitle(f))) + " (" + mdText(capRunes(string(f.Code), 40)) + ")"
		m.row(f.Severity.Label(), problem, mdText(capRunes(f.Host, mdCellWidth)), strconv.Itoa(len(f.URLs)))
	}
}

func (m *mdRenderer) sections() {
	for i := range m.rep.Findings {
		f := &m.rep.Findings[i]
		m.line()
		name := strconv.Itoa(i+1) + ". " + f.Severity.Label() + " " + mdText(string(f.Code))
		if f.Host != "" {
			name += " on " + mdText(f.Host)
		}
		m.line("#### ", name)
		m.line()
		m.line(mdText(f.Message))
		m.servers(f.Servers)
		if m.verbose {
			m.details(f)
		}
		if len(f.Fix) > 0 {
			m.line()
			m.fence(f.Fix)
		}
	}
}

// servers is the servers-disagree table: one row per certificate.
func (m *mdRenderer) servers(scs []diag.ServerCert) {
	if len(scs) == 0 {
		return
	}
	m.line()
	m.table("Certificate", "Expires", "Servers")
	for _, g := range groupServers(scs, m.certs) {
		thumb, exp := mdText(shortThumb(g.leaf)), "not checked"
		if g.cert != nil {
			exp = expiry(g.cert, asOf(m.rep))
		}
		names := make([]string, len(g.servers))
		for i, s := range g.servers {
			names[i] = mdText(s)
		}
		m.row(thumb, exp, joinFit(names, 2*mdCellWidth-40))
	}
}

// details are what --verbose adds: the address, the certificate, every URL
// and the directory objects holding them.
func (m *mdRenderer) details(f *diag.Finding) {
	m.line()
	if f.Address != "" {
		m.line("- Address: ", mdCode(f.Address))
	}
	if f.Thumbprint != "" {
		m.line("- Certificate thumbprint: ", mdCode(f.Thumbprint))
	}
	urls := make([]string, len(f.URLs))
	for i, u := range f.URLs {
		urls[i] = mdCode(u)
	}
	if len(urls) > 0 {
		m.line("- URLs: ", strings.Join(capList(urls, maxListed), ", "))
	}
	n := 0
	for _, s := range f.Sources {
		if s.Origin == inventory.OriginFlag {
			continue
		}
		if n++; n > maxListed {
			m.line("- … and ", plural(len(f.Sources)-maxListed, "more object"))
			break
		}
		m.line("- Source: ", mdText(describeSource(s)), ": ", mdCode(s.DN))
	}
}

// fence writes the steps as one fenced block per run of the same shell.
// Comments become "# " lines, wrapped; manual steps (no command) are
// comments only. A command is one logical line: a newline in it is escaped
// like any control, so a value smuggled into a quoted argument cannot pose
// as a second command; a long one continues on the next line.
func (m *mdRenderer) fence(steps []diag.Fix) {
	for len(steps) > 0 {
		shell := shellOf(steps[0])
		n := 1
		for n < len(steps) && shellOf(steps[n]) == shell {
			n++
		}
		var lines []string
		for _, fx := range steps[:n] {
			if comment := stepComment(fx); comment != "" {
				for _, l := range wrap(comment, mdCodeWidth-2) {
					lines = append(lines, "# "+l)
				}
			}
			if fx.Command != "" {
				lines = append(lines, psLines(clean(fx.Command), mdCodeWidth)...)
			}
		}
		body := strings.Join(lines, "\n")
		fence := strings.Repeat("`", max(3, longestRun(body, '`')+1))
		m.line(fence, shell)
		m.line(body)
		m.line(fence)
		steps = steps[n:]
	}
}

// shellOf is the fence's info string: the step's shell reduced to letters,
// digits and dashes, "powershell" when it has none.
func shellOf(fx diag.Fix) string {
	s := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, strings.ToLower(fx.Shell))
	if s == "" {
		return "powershell"
	}
	return s
}

// upperFirst capitalises an ASCII first letter.
func upperFirst(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
