package report

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
)

// JUnit XML is read natively by Azure DevOps (PublishTestResults), Jenkins
// (junit step) and GitLab (artifacts:reports:junit). There is no formal
// standard; the layout below is the common subset they all accept: one
// suite, one test case per endpoint URL, at most one <failure> per test
// case. A test case gets one failure even with several findings, because
// Azure DevOps and Jenkins show only the first; its body lists them all.
// Every string is passed through clean() first, so the file is readable
// on a terminal, and encoding/xml then escapes it; it also replaces the
// runes XML 1.0 forbids, so the document always parses.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []*junitCase    `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut xmlText       `xml:"system-out,omitempty"`

	findings []*diag.Finding
}

type junitFailure struct {
	Type    string
	Message string
	Body    string
}

// MarshalXML implements xml.Marshaler: <failure type message>body</failure>.
func (f *junitFailure) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Attr = []xml.Attr{{Name: xml.Name{Local: "type"}, Value: f.Type}, {Name: xml.Name{Local: "message"}, Value: f.Message}}
	return xmlText(f.Body).MarshalXML(e, start)
}

// xmlText is character data that keeps its line breaks: encoding/xml
// writes a string field's "\n" as "&#xA;", which makes a multi-line fix
// unreadable in the file, while a CharData token keeps it. EncodeToken
// still escapes markup and replaces runes XML 1.0 forbids with U+FFFD.
type xmlText string

// MarshalXML implements xml.Marshaler.
func (t xmlText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := e.EncodeToken(xml.CharData(t)); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

// maxFailureMessage caps the message attribute, which CI systems show in
// one line; the body holds the whole text.
const maxFailureMessage = 200

func renderJUnit(w *bufio.Writer, rep *diag.Report, opts Options) error {
	cases := junitCases(rep)
	certs := certIndex(rep)
	suite := junitSuite{
		Name: "exdiag check", Time: "0", Tests: len(cases), Cases: cases,
		Timestamp: rep.GeneratedAt.UTC().Format("2006-01-02T15:04:05"),
	}
	if opts.ToolVersion != "" {
		suite.Properties = append(suite.Properties, junitProperty{"exdiag.version", clean(opts.ToolVersion)})
	}
	if rep.Org != "" {
		suite.Properties = append(suite.Properties, junitProperty{"org", clean(rep.Org)})
	}
	for _, c := range cases {
		var failing, passing []string
		var first *diag.Finding
		for _, f := range c.findings {
			block := findingBlock(rep, certs, f)
			if !fails(f.Severity, opts) {
				passing = append(passing, block)
				continue
			}
			if first == nil {
				first = f
			}
			failing = append(failing, block)
		}
		if first != nil {
			msg := first.Severity.Label() + " " + clean(string(first.Code)) + ": " + capRunes(firstSentence(clean(first.Message)), maxFailureMessage)
			if len(failing) > 1 {
				msg += " (+" + plural(len(failing)-1, "more finding") + ")"
			}
			c.Failure = &junitFailure{Type: clean(string(first.Code)), Message: msg, Body: strings.Join(failing, "\n")}
			suite.Failures++
		}
		c.SystemOut = xmlText(strings.Join(passing, "\n"))
	}
	doc := junitSuites{Name: "exdiag", Tests: suite.Tests, Failures: suite.Failures, Time: "0", Suites: []junitSuite{suite}}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	w.WriteString(xml.Header)
	w.Write(out)
	w.WriteByte('\n')
	return nil
}

// fails reports whether a finding of severity s is at or above --fail-on.
func fails(s diag.Severity, opts Options) bool {
	return !opts.FailNever && s >= opts.FailOn
}

// junitCases returns one test case per distinct endpoint URL, in report
// order, each holding the findings that list its URL. A finding URL that
// no endpoint has gets a case of its own, and findings with no URL (DNS of
// a domain, directory notes) get one per host and code, so that every
// finding appears in the document.
func junitCases(rep *diag.Report) []*junitCase {
	var cases []*junitCase
	byName := map[[2]string]*junitCase{}
	get := func(class, name string) *junitCase {
		if class == "" {
			class = "exdiag"
		}
		k := [2]string{class, name}
		if c := byName[k]; c != nil {
			return c
		}
		c := &junitCase{ClassName: clean(class), Name: clean(name), Time: "0"}
		byName[k] = c
		cases = append(cases, c)
		return c
	}
	byURL := map[string]*junitCase{}
	for i := range rep.Endpoints {
		ep := &rep.Endpoints[i]
		if byURL[ep.URL] == nil {
			byURL[ep.URL] = get(ep.Host, ep.URL)
		}
	}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		if len(f.URLs) == 0 {
			name := string(f.Code)
			if f.Host != "" {
				name = f.Host + "/" + name
			}
			c := get(f.Host, name)
			c.findings = append(c.findings, f)
			continue
		}
		for _, u := range f.URLs {
			c := byURL[u]
			if c == nil {
				c = get(f.Host, u)
				byURL[u] = c
			}
			c.findings = append(c.findings, f)
		}
	}
	return cases
}

// findingBlock is f as the text format prints it, without colour, with
// its whole message and every fix step explained.
func findingBlock(rep *diag.Report, certs map[string]*diag.CertInfo, f *diag.Finding) string {
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	t := &textRenderer{w: bw, rep: rep, certs: certs, asOf: asOf(rep), width: defaultWidth, full: true, given: map[string]string{}}
	t.finding(f)
	bw.Flush()
	return buf.String()
}
