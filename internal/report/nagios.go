package report

import (
	"bufio"
	"io"
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

// maxNagiosProblems is how many "code on host" the status line names.
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
	w.WriteString("EXDIAG " + nagiosWords[NagiosStatus(rep, opts)] + " - " + c.problems() +
		" in " + plural(rep.Summary.URLs, "URL") + " on " + plural(rep.Summary.Hosts, "host"))
	if p := nagiosProblems(rep.Findings, opts); p != "" {
		w.WriteString(": " + p)
	}
	w.WriteString(" | " + nagiosPerfdata(rep, opts) + "\n")
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

// nagiosProblems names the findings behind a WARNING or CRITICAL status,
// "cert-expired on ex01.contoso.local, ...", at most maxNagiosProblems.
func nagiosProblems(fs []diag.Finding, opts Options) string {
	var names []string
	seen := map[string]bool{}
	for _, f := range fs {
		if f.Severity < diag.Warning && !fails(f.Severity, opts) {
			continue
		}
		name := nagiosText(string(f.Code))
		if f.Host != "" {
			name += " on " + nagiosText(f.Host)
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	if len(names) > maxNagiosProblems {
		return strings.Join(names[:maxNagiosProblems], ", ") + " and " + strconv.Itoa(len(names)-maxNagiosProblems) + " more"
	}
	return strings.Join(names, ", ")
}

// nagiosPerfdata is "'HOST_days'=N;WARN:;0:" per endpoint host, N the
// fewest calendar days left of the certificates it served ("U" when it
// served none), then the error and warning counts. The ranges "30:" and
// "0:" alert below 30 and below 0 days, in the guidelines' range syntax.
func nagiosPerfdata(rep *diag.Report, opts Options) string {
	certs := certIndex(rep)
	var hosts []string
	days := map[string]int{}
	seen := map[string]bool{}
	for i := range rep.Endpoints {
		ep := &rep.Endpoints[i]
		if ep.Host == "" {
			continue
		}
		if !seen[ep.Host] {
			seen[ep.Host] = true
			hosts = append(hosts, ep.Host)
		}
		if c := leaf(ep, certs); c != nil {
			d := diag.CalendarDays(rep.GeneratedAt, c.NotAfter)
			if old, ok := days[ep.Host]; !ok || d < old {
				days[ep.Host] = d
			}
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
