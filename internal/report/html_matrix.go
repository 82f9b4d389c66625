package report

import (
	"cmp"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
)

// The HTML report's matrix: one row per name, one column per server, each
// cell the certificates that server serves for that name, so "EX22 still
// serves the old certificate" or "EX07 has a self-signed one" is seen at a
// glance. For a name several servers publish, each server is asked at its
// own address (Report.Servers); for other names the endpoint's owning
// server answered. Without a directory (--url), columns are addresses.

// Caps keep the page usable for large organisations; the findings below
// the matrix list every problem.
const (
	maxMatrixNames   = 60
	maxMatrixServers = 40
)

// cellEntry is one certificate (or failure) a server showed for a name.
type cellEntry struct {
	leaf     string
	addr     string
	services []string
	err      string
}

type matrixData struct {
	Names, Servers         []string
	Rows                   []matrixRow
	MoreNames, MoreServers int
	cells                  map[[2]string][]cellEntry
	rep                    *diag.Report
	certs                  map[string]*diag.CertInfo
	warnDays               int
	// shared names are the ones servers were asked for one by one.
	shared map[string]bool
}

type matrixRow struct {
	Name  string
	Cells []matrixCell
}

type matrixCell struct {
	Empty   bool
	Entries []matrixEntry
}

// matrixEntry is what a cell shows of one certificate: its thumbprint's
// first digits, days left, a state word and its colour class.
type matrixEntry struct {
	Thumb, Days, State, Class, Services string
}

func buildMatrix(rep *diag.Report, certs map[string]*diag.CertInfo, warnDays int) *matrixData {
	m := &matrixData{cells: map[[2]string][]cellEntry{}, rep: rep, certs: certs, warnDays: warnDays, shared: map[string]bool{}}
	for _, sc := range rep.Servers {
		m.shared[sc.Host] = true
		m.add(sc.Host, sc.Server, cellEntry{leaf: sc.Leaf, addr: sc.Address, services: []string{sc.Service}, err: sc.Error})
	}
	for i := range rep.Endpoints {
		ep := &rep.Endpoints[i]
		if ep.Host == "" || m.shared[ep.Host] || (ep.Leaf == "" && ep.Address == "") {
			continue
		}
		col := cmp.Or(ep.SourceValue().Server, hostOf(ep.Address), "(no address)")
		m.add(ep.Host, col, cellEntry{leaf: ep.Leaf, addr: ep.Address, services: []string{serviceOf(ep)}, err: ep.Error})
	}
	names, servers := map[string]bool{}, map[string]bool{}
	for k := range m.cells {
		names[k[0]], servers[k[1]] = true, true
	}
	m.Names = sortedKeys(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(boolInt(!m.shared[a]), boolInt(!m.shared[b])), cmp.Compare(a, b))
	})
	m.Servers = sortedKeys(servers, strings.Compare)
	if len(m.Names) > maxMatrixNames {
		m.MoreNames, m.Names = len(m.Names)-maxMatrixNames, m.Names[:maxMatrixNames]
	}
	if len(m.Servers) > maxMatrixServers {
		m.MoreServers, m.Servers = len(m.Servers)-maxMatrixServers, m.Servers[:maxMatrixServers]
	}
	for _, n := range m.Names {
		row := matrixRow{Name: clean(n)}
		for _, s := range m.Servers {
			row.Cells = append(row.Cells, m.cell(n, s))
		}
		m.Rows = append(m.Rows, row)
	}
	for i, s := range m.Servers {
		m.Servers[i] = clean(s)
	}
	return m
}

// add records e under (name, server), merging the services of one
// certificate (or one failure).
func (m *matrixData) add(name, server string, e cellEntry) {
	k := [2]string{name, server}
	for i := range m.cells[k] {
		old := &m.cells[k][i]
		if old.leaf == e.leaf && (e.leaf != "" || errorWord(old.err) == errorWord(e.err)) {
			for _, s := range e.services {
				if !slices.Contains(old.services, s) {
					old.services = append(old.services, s)
				}
			}
			return
		}
	}
	m.cells[k] = append(m.cells[k], e)
}

func (m *matrixData) cell(name, server string) matrixCell {
	entries := m.cells[[2]string{name, server}]
	if len(entries) == 0 {
		return matrixCell{Empty: true}
	}
	var c matrixCell
	for _, e := range entries {
		me := matrixEntry{Thumb: "none", Class: "info", State: "no certificate"}
		if cert := m.certs[e.leaf]; cert != nil {
			me.Thumb = clean(shortThumb(cert.Thumbprint))
			me.Days, me.State, me.Class = m.lifetimeState(cert)
		} else if e.err != "" {
			me.State = capRunes(clean(errorWord(e.err)), 40)
		}
		if f := m.worst(name, server, e); f != nil && (f.Severity >= diag.Warning || e.leaf == "") {
			me.State, me.Class = capRunes(clean(string(f.Code)), 40), f.Severity.String()
		}
		if len(entries) > 1 {
			me.Services = clean(strings.Join(e.services, ", "))
		}
		c.Entries = append(c.Entries, me)
	}
	return c
}

// lifetimeState is a certificate's days left and state word. Its colour
// class is "ok" or, for a state worth a look ("expiring", "self-signed"),
// "info": only findings colour a cell, so a certificate the rules accept
// (the self-signed one on an Exchange server's back-end connector) is never
// painted as a problem.
func (m *matrixData) lifetimeState(c *diag.CertInfo) (days, state, class string) {
	at := asOf(m.rep)
	d := diag.CalendarDays(at, c.NotAfter)
	days = strconv.Itoa(d) + " days"
	switch {
	case c.NotBefore.After(at):
		return days, "not yet valid", "info"
	case c.NotAfter.Before(at):
		return strconv.Itoa(-d) + " days ago", "expired", "info"
	case d <= m.warnDays:
		return days, "expiring", "info"
	case c.SelfSigned:
		return days, "self-signed", "info"
	}
	return days, "ok", "ok"
}

// worst is the most severe finding about what this server showed for this
// name: same host, the certificate it names (if any) is this one, and its
// address (if any) is this server's; or a finding comparing servers that
// lists this one serving another certificate than the one it asks for.
func (m *matrixData) worst(name, server string, e cellEntry) *diag.Finding {
	for i := range m.rep.Findings {
		f := &m.rep.Findings[i]
		if f.Host != name {
			continue
		}
		if len(f.Servers) > 0 {
			if e.leaf != "" && e.leaf != f.Thumbprint && slices.ContainsFunc(f.Servers, func(sc diag.ServerCert) bool {
				return sc.Server == server && sc.Leaf == e.leaf
			}) {
				return f
			}
			continue
		}
		if (f.Thumbprint == "" || f.Thumbprint == e.leaf) && (f.Address == "" || hostOf(f.Address) == hostOf(e.addr)) {
			return f // findings are sorted by severity, highest first
		}
	}
	return nil
}

// errorWord is the kind of a connection error ("refused: connection to …
// refused" is "refused").
func errorWord(s string) string {
	if k, _, ok := strings.Cut(s, ": "); ok && !strings.Contains(k, " ") {
		return k
	}
	return s
}

// serviceOf names what an endpoint's port serves, as the matrix shows it.
func serviceOf(ep *diag.Endpoint) string {
	switch ep.Scheme {
	case "smtp":
		return "SMTP"
	case "pop3", "pop3s":
		return "POP"
	case "imap", "imaps":
		return "IMAP"
	}
	return "IIS"
}

func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

func sortedKeys(m map[string]bool, f func(a, b string) int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, f)
	return out
}
