package report

import (
	"bufio"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
)

// The Markdown targets GitHub-flavoured renderers (tables, <br> in cells)
// and still reads as plain text when a ticket system shows it raw.
// Untrusted text goes through mdText (escaped running text) in tables and
// headings, mdCode (code span) in lists, and fenced blocks for commands.

type mdRenderer struct {
	w     *bufio.Writer
	rep   *diag.Report
	certs map[string]*diag.CertInfo
}

func renderMarkdown(w *bufio.Writer, rep *diag.Report, version string) {
	m := &mdRenderer{w: w, rep: rep, certs: certIndex(rep)}
	m.header(version)
	m.findings()
	m.fixes()
	m.certificates()
	m.endpoints()
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

func (m *mdRenderer) header(version string) {
	rep := m.rep
	c := countFindings(rep.Findings)
	verdict := "PASS"
	switch {
	case c.errors > 0:
		verdict = "FAIL"
	case c.warnings > 0:
		verdict = "WARN"
	}
	m.line("## exdiag report")
	m.line()
	m.line("**", verdict, ": ", c.problems(), "** ", scope(rep.Summary))
	m.line()
	m.line("- Generated: ", timestamp(rep.GeneratedAt))
	if rep.Org != "" {
		m.line("- Organisation: ", mdText(rep.Org))
	}
	if version != "" {
		m.line("- Tool: exdiag ", mdText(version))
	}
	if len(rep.DNSServers) > 0 {
		m.line("- DNS servers: ", mdText(strings.Join(rep.DNSServers, ", ")))
	}
}

func (m *mdRenderer) findings() {
	m.line()
	m.line("### Findings")
	m.line()
	if len(m.rep.Findings) == 0 {
		m.line("No problems found.")
		return
	}
	m.table("Severity", "Code", "Host", "URL", "Address", "Problem")
	for i := range m.rep.Findings {
		f := &m.rep.Findings[i]
		urls := make([]string, len(f.URLs))
		for j, u := range f.URLs {
			urls[j] = mdText(u)
		}
		m.row(f.Severity.Label(), mdText(string(f.Code)), mdText(f.Host), strings.Join(urls, "<br>"),
			mdText(f.Address), mdText(f.Message))
	}
}

func (m *mdRenderer) fixes() {
	first := true
	for i := range m.rep.Findings {
		f := &m.rep.Findings[i]
		if len(f.Fix) == 0 {
			continue
		}
		if first {
			m.line()
			m.line("### Fixes")
			first = false
		}
		m.line()
		name := "**" + f.Severity.Label() + " " + mdText(string(f.Code)) + "**"
		if f.Host != "" {
			name += " on " + mdText(f.Host)
		}
		if f.Address != "" {
			name += " (" + mdText(f.Address) + ")"
		}
		m.line(name)
		m.line()
		m.fence(f.Fix)
	}
}

// fence writes the steps as one fenced block per run of the same shell.
// Comments become "# " lines; manual steps (no command) are comments only.
// A command is one line: a newline in it is escaped like any control, so a
// value smuggled into a quoted argument cannot pose as a second command.
func (m *mdRenderer) fence(steps []diag.Fix) {
	for len(steps) > 0 {
		shell := shellOf(steps[0])
		n := 1
		for n < len(steps) && shellOf(steps[n]) == shell {
			n++
		}
		var lines []string
		for _, fx := range steps[:n] {
			if fx.Comment != "" {
				lines = append(lines, "# "+clean(fx.Comment))
			}
			if fx.Command != "" {
				lines = append(lines, clean(fx.Command))
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

func (m *mdRenderer) certificates() {
	if len(m.rep.Certificates) == 0 {
		return
	}
	m.line()
	m.line("### Certificates seen")
	for i := range m.rep.Certificates {
		c := &m.rep.Certificates[i]
		m.line()
		m.line("#### ", mdText(certName(c)))
		m.line()
		m.line("- Subject: ", mdText(orDash(c.Subject)))
		sans := make([]string, len(c.SANs))
		for j, s := range c.SANs {
			sans[j] = mdText(s)
		}
		m.line("- SANs: ", orDash(strings.Join(sans, ", ")))
		issuer := mdText(orDash(c.Issuer))
		if c.SelfSigned {
			issuer += " (self-signed)"
		}
		m.line("- Issuer: ", issuer)
		m.line("- Valid: ", date(c.NotBefore), " to ", date(c.NotAfter), " ", lifetime(c, m.rep.GeneratedAt))
		m.line("- SHA-1 thumbprint: ", mdCode(c.Thumbprint))
		m.line("- SHA-256: ", mdCode(c.SHA256))
		if key := strings.Trim(c.KeyAlgorithm+", "+c.SignatureAlgorithm, ", "); key != "" {
			m.line("- Key: ", mdText(key))
		}
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
	m.table("Status", "URL", "Address", "TLS", "Certificate", "Expires")
	for i := range m.rep.Endpoints {
		ep := &m.rep.Endpoints[i]
		status := "OK"
		if s, bad := ix.status(ep); bad {
			status = s.Label()
		}
		cert, expires := mdText(ep.Error), ""
		if c := leaf(ep, m.certs); c != nil {
			cert = mdText(certName(c))
			expires = expiry(c, m.rep.GeneratedAt)
		}
		m.row(status, mdText(ep.URL), mdText(ep.Address), mdText(ep.TLSVersion), cert, expires)
	}
}
