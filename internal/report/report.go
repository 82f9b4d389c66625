// Package report renders a diag.Report: as text for terminals and plain
// tickets, as Markdown for helpdesk tickets, as a self-contained HTML page
// for e-mail, as JSON for CI scripts, as JUnit XML for CI test views, or as
// a Nagios plugin status for monitoring. It is pure: it writes to the
// io.Writer it is given and reads no clock, environment or global state.
// Every time left it prints is relative to Report.AsOf.
package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/term"
)

// Format is an output format, as given to --format.
type Format string

// Formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	HTML     Format = "html"
	JSON     Format = "json"
	JUnit    Format = "junit"
	Nagios   Format = "nagios"
)

// ParseFormat validates a --format value (case-insensitive).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Text, Markdown, HTML, JSON, JUnit, Nagios:
		return f, nil
	}
	return "", fmt.Errorf("unknown --format %q (want %s)", s, FormatNames)
}

// FormatNames lists the formats for messages and help.
const FormatNames = "text, markdown, html, json, junit or nagios"

// Schema names the JSON document's version; it changes only when a field
// is removed or changes meaning.
const Schema = "exdiag.report/v2"

// Options choose how Render writes a report.
type Options struct {
	// Format is the output format; empty means Text.
	Format Format
	// Palette colours text output; the zero value prints no colour.
	// Markdown and JSON never use it.
	Palette term.Palette
	// ToolVersion is exdiag's version, printed in Markdown, JSON and JUnit.
	ToolVersion string
	// FailOn is --fail-on: findings at or above it fail their JUnit test
	// case and make the Nagios status CRITICAL. FailNever (--fail-on never)
	// fails nothing. The zero value, Info, fails every finding.
	FailOn    diag.Severity
	FailNever bool
	// WarnDays is --warn-days, the warning threshold of Nagios's days-left
	// performance data and of the HTML matrix's "expiring".
	WarnDays int
	// Verbose is --verbose: text and Markdown add every URL, the directory
	// objects with their DNs, the fix explanations, and the endpoint and
	// certificate tables; JSON adds the DNs.
	Verbose bool
	// Width is the text format's line width; 0 means 100.
	Width int
}

func (o Options) width() int {
	if o.Width <= 0 {
		return defaultWidth
	}
	return max(o.Width, 40)
}

// Render writes rep to w in the format opts choose.
func Render(w io.Writer, rep *diag.Report, opts Options) error {
	if rep == nil {
		return errors.New("render report: no report")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	switch opts.Format {
	case Text, "":
		renderText(bw, rep, opts)
	case Markdown:
		renderMarkdown(bw, rep, opts)
	case HTML:
		if err := renderHTML(bw, rep, opts); err != nil {
			return fmt.Errorf("render report: %w", err)
		}
	case JSON:
		if err := renderJSON(bw, rep, opts); err != nil {
			return fmt.Errorf("render report: %w", err)
		}
	case JUnit:
		if err := renderJUnit(bw, rep, opts); err != nil {
			return fmt.Errorf("render report: %w", err)
		}
	case Nagios:
		renderNagios(bw, rep, opts)
	default:
		return fmt.Errorf("render report: unknown format %q", opts.Format)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// counts are the findings by severity. They are counted from
// Report.Findings rather than read from Report.Summary, so that the verdict
// can never disagree with the list printed under it.
type counts struct{ errors, warnings, infos int }

func countFindings(fs []diag.Finding) counts {
	var c counts
	for _, f := range fs {
		switch f.Severity {
		case diag.Error:
			c.errors++
		case diag.Warning:
			c.warnings++
		default:
			c.infos++
		}
	}
	return c
}

// problems is "3 errors, 1 warning, 2 info findings" or "no problems found".
func (c counts) problems() string {
	var parts []string
	if c.errors > 0 {
		parts = append(parts, plural(c.errors, "error"))
	}
	if c.warnings > 0 {
		parts = append(parts, plural(c.warnings, "warning"))
	}
	if len(parts) == 0 {
		parts = append(parts, "no problems found")
	}
	if c.infos > 0 {
		parts = append(parts, plural(c.infos, "info finding"))
	}
	return strings.Join(parts, ", ")
}

// scope is "in 7 URLs on 3 hosts (4 handshakes)".
func scope(s diag.Summary) string {
	return fmt.Sprintf("in %s on %s (%s)", plural(s.URLs, "URL"), plural(s.Hosts, "host"), plural(s.Handshakes, "handshake"))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// distinctEndpoints lists the endpoints worth a row: a URL that several
// directory objects publish (an InternalUrl and an ExternalUrl alike, or
// every server of a namespace) once per address and certificate.
func distinctEndpoints(eps []diag.Endpoint) []int {
	type key struct{ url, addr, leaf string }
	seen := make(map[key]bool, len(eps))
	out := make([]int, 0, len(eps))
	for i := range eps {
		k := key{eps[i].URL, eps[i].Address, eps[i].Leaf}
		if !seen[k] {
			seen[k] = true
			out = append(out, i)
		}
	}
	return out
}

// certName is what a person calls a certificate: its CN, else its first
// SAN, else its subject, else its thumbprint.
func certName(c *diag.CertInfo) string {
	for _, s := range []string{c.CommonName, firstOf(c.SANs), c.Subject, c.Thumbprint} {
		if s != "" {
			return s
		}
	}
	return "(no name)"
}

// orDash stands in for an empty column.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// leaf returns the leaf certificate an endpoint served, or nil.
func leaf(ep *diag.Endpoint, byThumb map[string]*diag.CertInfo) *diag.CertInfo {
	if c := byThumb[ep.Leaf]; c != nil && ep.Leaf != "" {
		return c
	}
	if len(ep.Chain) > 0 {
		return &ep.Chain[0]
	}
	return nil
}

func certIndex(rep *diag.Report) map[string]*diag.CertInfo {
	m := make(map[string]*diag.CertInfo, len(rep.Certificates))
	for i := range rep.Certificates {
		m[rep.Certificates[i].Thumbprint] = &rep.Certificates[i]
	}
	return m
}

// statusIndex gives each endpoint the highest severity of the findings that
// name its URL or, for findings that name no URL, its host.
type statusIndex struct {
	byURL, byHost map[string]diag.Severity
}

func indexStatus(fs []diag.Finding) statusIndex {
	ix := statusIndex{byURL: map[string]diag.Severity{}, byHost: map[string]diag.Severity{}}
	raise := func(m map[string]diag.Severity, k string, s diag.Severity) {
		if old, ok := m[k]; !ok || s > old {
			m[k] = s
		}
	}
	for _, f := range fs {
		if len(f.URLs) == 0 {
			raise(ix.byHost, f.Host, f.Severity)
		}
		for _, u := range f.URLs {
			raise(ix.byURL, u, f.Severity)
		}
	}
	return ix
}

// status returns the endpoint's severity, and false when nothing is wrong.
func (ix statusIndex) status(ep *diag.Endpoint) (diag.Severity, bool) {
	s, okURL := ix.byURL[ep.URL]
	h, okHost := ix.byHost[ep.Host]
	if okHost && (!okURL || h > s) {
		return h, true
	}
	return s, okURL
}
