package report

import (
	"bufio"
	"cmp"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
)

// --format nagios follows the Monitoring Plugins Development Guidelines,
// which Nagios, Icinga, Naemon and the agents that run their plugins
// (NSClient++, Icinga for Windows) read: one status line
// "EXDIAG CRITICAL - summary | perfdata", then one line per finding (the
// long output), and the status as the exit code. A "|" in the text would
// start performance data, so every string is cleaned and its "|" written
// as "%7C".

// Nagios plugin statuses: the exit codes of --format nagios.
const (
	NagiosOK       = 0
	NagiosWarning  = 1
	NagiosCritical = 2
	NagiosUnknown  = 3
)

var nagiosWords = [...]string{"OK", "WARNING", "CRITICAL", "UNKNOWN"}

// maxNagiosProblems is how many codes of the worst host the status line names.
const maxNagiosProblems = 3

// NagiosStatus is the plugin status of rep: CRITICAL when a finding is at
// or above opts.FailOn, WARNING when a warning or error finding is below it
// (every one, with opts.FailNever), OK otherwise. With --fail-on error,
// errors are CRITICAL and warnings WARNING. It is the status word Render
// prints, so the exit code and the status line cannot disagree.
func NagiosStatus(rep *diag.Report, opts Options) int {
	status := NagiosOK
	for _, f := range rep.Findings {
		switch {
		case fails(f.Severity, opts):
			return NagiosCritical
		case f.Severity >= diag.Warning:
			status = NagiosWarning
		}
	}
	return status
}

// WriteNagiosUnknown writes the status line of a run that could not happen
// (exit code NagiosUnknown). Monitoring systems show only standard output,
// so the reason must be there rather than on standard error.
func WriteNagiosUnknown(w io.Writer, reason string) error {
	_, err := io.WriteString(w, "EXDIAG UNKNOWN - "+nagiosText(reason)+"\n")
	return err
}

func renderNagios(w *bufio.Writer, rep *diag.Report, opts Options) {
	c := countFindings(rep.Findings)
	days := daysByHost(rep)
	w.WriteString("EXDIAG " + nagiosWords[NagiosStatus(rep, opts)] + " - " + c.problems() +
		" in " + plural(rep.Summary.URLs, "URL") + " on " + plural(rep.Summary.Hosts, "host"))
	if p := nagiosWorst(rep.Findings, days, opts); p != "" {
		w.WriteString("; worst: " + p)
	}
	w.WriteString(" | " + nagiosPerfdata(rep, days, opts) + "\n")
	for i := range rep.Findings {
		f := &rep.Findings[i]
		where := f.URL()
		if where == "" {
			where = f.Host
		}
		line := f.Severity.Label() + " " + nagiosText(string(f.Code))
		if where != "" {
			line += " " + nagiosText(where)
		}
		if len(f.URLs) > 1 {
			line += " (+" + plural(len(f.URLs)-1, "more URL") + ")"
		}
		w.WriteString(line + ": " + nagiosText(f.Message) + "\n")
	}
}

// nagiosWorst names the host behind a WARNING or CRITICAL status: the one
// with the most severe finding, then the fewest days left, then the most
// findings; "mail.contoso.com (servers-disagree, cert-expiring; 20 days
// left)", at most maxNagiosProblems codes.
func nagiosWorst(fs []diag.Finding, days map[string]int, opts Options) string {
	type host struct {
		sev   diag.Severity
		codes []string
		n     int
	}
	hosts := map[string]*host{}
	var order []string
	for _, f := range fs {
		if f.Severity < diag.Warning && !fails(f.Severity, opts) {
			continue
		}
		h := hosts[f.Host]
		if h == nil {
			h = &host{sev: f.Severity}
			hosts[f.Host] = h
			order = append(order, f.Host)
		}
		h.sev = max(h.sev, f.Severity)
		h.n++
		if code := nagiosText(string(f.Code)); !slices.Contains(h.codes, code) {
			h.codes = append(h.codes, code)
		}
	}
	if len(order) == 0 {
		return ""
	}
	left := func(name string) int {
		if d, ok := days[name]; ok {
			return d
		}
		return math.MaxInt
	}
	worst := slices.MinFunc(order, func(a, b string) int {
		return cmp.Or(cmp.Compare(hosts[b].sev, hosts[a].sev), cmp.Compare(left(a), left(b)), cmp.Compare(hosts[b].n, hosts[a].n), cmp.Compare(a, b))
	})
	h := hosts[worst]
	detail := strings.Join(h.codes, ", ")
	if len(h.codes) > maxNagiosProblems {
		detail = strings.Join(h.codes[:maxNagiosProblems], ", ") + " and " + strconv.Itoa(len(h.codes)-maxNagiosProblems) + " more"
	}
	name := nagiosText(worst)
	if name == "" {
		name = "(no host)"
	}
	if d, ok := days[worst]; ok {
		detail += "; " + strings.Trim(dayWords(d), "()")
	}
	return name + " (" + detail + ")"
}

// dayWords is "(20 days left)", "(expires today)" or "(expired 3 days ago)".
func dayWords(d int) string {
	switch {
	case d < 0:
		return "(expired " + plural(-d, "day") + " ago)"
	case d == 0:
		return "(expires today)"
	}
	return "(" + plural(d, "day") + " left)"
}

// daysByHost is, per host name in endpoint order, the fewest calendar days
// left of the certificates served for it: at the endpoints, and by every
// server asked for it at its own address, so a server behind a load
// balancer that still serves the old certificate counts. Hosts that served
// no certificate are absent.
func daysByHost(rep *diag.Report) map[string]int {
	certs := certIndex(rep)
	days := map[string]int{}
	note := func(host string, c *diag.CertInfo) {
		if c == nil || host == "" {
			return
		}
		d := diag.CalendarDays(asOf(rep), c.NotAfter)
		if old, ok := days[host]; !ok || d < old {
			days[host] = d
		}
	}
	for i := range rep.Endpoints {
		note(rep.Endpoints[i].Host, leaf(&rep.Endpoints[i], certs))
	}
	for _, sc := range rep.Servers {
		note(sc.Host, certs[sc.Leaf])
	}
	return days
}

// nagiosPerfdata is "'HOST_days'=N;WARN:;0:" per host name (daysByHost;
// "U" when it served none), then the error and warning counts. The ranges
// "30:" and "0:" alert below 30 and below 0 days, in the guidelines' range
// syntax.
func nagiosPerfdata(rep *diag.Report, days map[string]int, opts Options) string {
	var hosts []string
	seen := map[string]bool{}
	for _, h := range hostsOf(rep) {
		if h != "" && !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	thresholds := ";" + strconv.Itoa(opts.WarnDays) + ":;0:"
	var parts []string
	used := map[string]bool{"errors": true, "warnings": true}
	for _, h := range hosts {
		label := perfLabel(h) + "_days"
		for n := 2; used[label]; n++ {
			label = perfLabel(h) + "_" + strconv.Itoa(n) + "_days"
		}
		used[label] = true
		value := "U"
		if d, ok := days[h]; ok {
			value = strconv.Itoa(d)
		}
		parts = append(parts, "'"+label+"'="+value+thresholds)
	}
	c := countFindings(rep.Findings)
	parts = append(parts, "'errors'="+strconv.Itoa(c.errors)+";;;0", "'warnings'="+strconv.Itoa(c.warnings)+";;;0")
	return strings.Join(parts, " ")
}

// hostsOf lists the endpoint hosts, then the names only servers were
// asked for.
func hostsOf(rep *diag.Report) []string {
	out := make([]string, 0, len(rep.Endpoints)+len(rep.Servers))
	for i := range rep.Endpoints {
		out = append(out, rep.Endpoints[i].Host)
	}
	for _, sc := range rep.Servers {
		out = append(out, sc.Host)
	}
	return out
}

// perfLabel makes a host name a performance data label: the guidelines
// forbid "'" and "=" in labels, and graphing add-ons (PNP4Nagios, Icinga
// Web, Graphite) mangle much else, so everything but letters, digits, ".",
// "-" and "_" becomes "_".
func perfLabel(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// nagiosText is s cleaned, with "|", which would start performance data,
// written as "%7C".
func nagiosText(s string) string {
	return strings.ReplaceAll(clean(s), "|", "%7C")
}
