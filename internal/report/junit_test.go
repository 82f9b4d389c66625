package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
)

// junitOpts are the CLI's defaults: --fail-on error, --warn-days 30.
var junitOpts = Options{Format: JUnit, FailOn: diag.Error, WarnDays: 30, ToolVersion: "1.0.0-test"}

// junitDoc is what CI systems read back from the document.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			ClassName string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failures  []struct {
				Type    string `xml:"type,attr"`
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, out string) junitDoc {
	t.Helper()
	var doc junitDoc
	dec := xml.NewDecoder(strings.NewReader(out))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("JUnit output does not parse: %v\n%s", err, out)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d test suites, want 1", len(doc.Suites))
	}
	s := doc.Suites[0]
	failed := 0
	for _, c := range s.Cases {
		if len(c.Failures) > 1 {
			t.Errorf("test case %s has %d failures; Azure DevOps and Jenkins show only the first", c.Name, len(c.Failures))
		}
		if len(c.Failures) > 0 {
			failed++
		}
	}
	if doc.Tests != len(s.Cases) || s.Tests != len(s.Cases) || doc.Failures != failed || s.Failures != failed {
		t.Errorf("counts: testsuites %d/%d, testsuite %d/%d, want %d tests, %d failures",
			doc.Tests, doc.Failures, s.Tests, s.Failures, len(s.Cases), failed)
	}
	return doc
}

func TestJUnitGolden(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			checkGolden(t, fx.name+".junit.xml.golden", render(t, fx.rep, junitOpts))
		})
	}
	t.Run("contoso.failon-warning", func(t *testing.T) {
		opts := junitOpts
		opts.FailOn = diag.Warning
		checkGolden(t, "contoso.failon-warning.junit.xml.golden", render(t, contosoReport(), opts))
	})
}

// TestJUnitParses feeds every fixture, and a report holding every rune XML
// 1.0 forbids, through a strict XML parser.
func TestJUnitParses(t *testing.T) {
	forbidden := hostileReport()
	forbidden.Findings[0].Message = "nul\x00 vt\x0b ff\x0c us\x1f fffe\ufffe ffff\uffff bad\xc0\x80 ]]> <!-- --> <![CDATA[ x ]]>"
	forbidden.Org = "org\x00\ufffe"
	all := append(fixtures(), fixture{"forbidden", forbidden})
	for _, fx := range all {
		t.Run(fx.name, func(t *testing.T) {
			out := render(t, fx.rep, junitOpts)
			if !strings.HasPrefix(out, `<?xml version="1.0" encoding="UTF-8"?>`+"\n") || !strings.HasSuffix(out, "</testsuites>\n") {
				t.Errorf("no XML declaration or no trailing newline:\n%s", out)
			}
			if p := rawControl(out); p != "" {
				t.Errorf("output: %s", p)
			}
			doc := parseJUnit(t, out)
			names := map[string]bool{}
			for _, c := range doc.Suites[0].Cases {
				names[c.Name] = true
			}
			for _, ep := range fx.rep.Endpoints {
				if !names[clean(ep.URL)] {
					t.Errorf("no test case for %s", ep.URL)
				}
			}
		})
	}
}

func TestJUnitFailOn(t *testing.T) {
	tests := []struct {
		name          string
		failOn        diag.Severity
		never         bool
		wantFailed    int
		wantMapiMsg   string
		wantMapiOut   string
		wantMailError bool
	}{
		{"error", diag.Error, false, 4, "ERROR name-mismatch: ", "INFO  tls-legacy", false},
		{"warning", diag.Warning, false, 7, "ERROR name-mismatch: ", "INFO  tls-legacy", true},
		{"info", diag.Info, false, 7, "(+1 more finding)", "", true},
		{"never", diag.Error, true, 0, "", "ERROR name-mismatch", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := junitOpts
			opts.FailOn, opts.FailNever = tt.failOn, tt.never
			doc := parseJUnit(t, render(t, contosoReport(), opts))
			s := doc.Suites[0]
			if s.Failures != tt.wantFailed || len(s.Cases) != 7 {
				t.Errorf("%d of %d test cases failed, want %d of 7", s.Failures, len(s.Cases), tt.wantFailed)
			}
			for _, c := range s.Cases {
				switch c.Name {
				case "https://legacy.contoso.com/mapi":
					msg := ""
					if len(c.Failures) > 0 {
						msg = c.Failures[0].Message
						if c.Failures[0].Type != "name-mismatch" {
							t.Errorf("mapi failure type %q, want the highest finding's code", c.Failures[0].Type)
						}
					}
					if (tt.wantMapiMsg == "") != (msg == "") || !strings.Contains(msg, tt.wantMapiMsg) {
						t.Errorf("mapi failure message %q, want it to contain %q", msg, tt.wantMapiMsg)
					}
					if (tt.wantMapiOut == "") != (c.SystemOut == "") || !strings.Contains(c.SystemOut, tt.wantMapiOut) {
						t.Errorf("mapi system-out %q, want it to contain %q", c.SystemOut, tt.wantMapiOut)
					}
				case "https://mail.contoso.com/owa":
					if got := len(c.Failures) > 0; got != tt.wantMailError {
						t.Errorf("mail.contoso.com/owa failed = %v, want %v", got, tt.wantMailError)
					}
					if !tt.wantMailError && !strings.Contains(c.SystemOut, "cert-expiring") {
						t.Errorf("the warning below --fail-on is not in system-out: %q", c.SystemOut)
					}
				}
			}
		})
	}
}

// TestJUnitFailureBody checks that a failure carries the whole message and
// the fix commands, decoded back to what the text format prints.
func TestJUnitFailureBody(t *testing.T) {
	doc := parseJUnit(t, render(t, contosoReport(), junitOpts))
	c := doc.Suites[0].Cases[1]
	if c.ClassName != "ex01.contoso.local" || c.Name != "https://ex01.contoso.local/EWS/Exchange.asmx" || len(c.Failures) != 1 {
		t.Fatalf("second test case = %+v", c)
	}
	body := c.Failures[0].Body
	for _, want := range []string{
		"because Autodiscover, EWS and OWA all point at\n      this name.\n",
		"\n        Set-OwaVirtualDirectory -Identity 'EX01\\owa (Default Web Site)' -InternalUrl 'https://mail.contoso.com/owa'\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("failure body lacks %q:\n%s", want, body)
		}
	}
	if want := "ERROR cert-expired: The certificate served by 10.0.0.5:443 for ex01.contoso.local (CN=EX01, self-signed) expired on 2026-03-01, 92 days ago."; c.Failures[0].Message != want {
		t.Errorf("message = %q, want the first sentence %q", c.Failures[0].Message, want)
	}
}

// TestJUnitFindingsWithoutURL checks that a finding naming no URL (a
// domain's Autodiscover DNS, a directory note) gets a test case of its own
// and that a finding URL no endpoint has is not dropped.
func TestJUnitFindingsWithoutURL(t *testing.T) {
	rep := cleanReport()
	rep.Findings = []diag.Finding{
		{Code: catalog.AutodiscoverDNS, Severity: diag.Error, Host: "contoso.com", Message: "No Autodiscover record."},
		{Code: catalog.AutodiscoverDNS, Severity: diag.Error, Host: "contoso.com", Message: "Second one."},
		{Code: catalog.ServerVersionUnknown, Severity: diag.Info, Message: "Version unknown."},
		{Code: catalog.URLInvalid, Severity: diag.Error, Host: "bad", URLs: []string{"https://bad:99999/"}, Message: "Bad port."},
	}
	doc := parseJUnit(t, render(t, rep, junitOpts))
	type tc struct{ class, name, typ string }
	var got []tc
	for _, c := range doc.Suites[0].Cases {
		typ := ""
		if len(c.Failures) > 0 {
			typ = c.Failures[0].Type
		}
		got = append(got, tc{c.ClassName, c.Name, typ})
	}
	want := []tc{
		{"mail.fabrikam.com", "https://mail.fabrikam.com/owa", ""},
		{"mail.fabrikam.com", "https://mail.fabrikam.com/EWS/Exchange.asmx", ""},
		{"contoso.com", "contoso.com/autodiscover-dns-missing", "autodiscover-dns-missing"},
		{"exdiag", "server-version-unknown", ""},
		{"bad", "https://bad:99999/", "url-invalid"},
	}
	if len(got) != len(want) {
		t.Fatalf("test cases = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("test case %d = %v, want %v", i, got[i], want[i])
		}
	}
	c := doc.Suites[0].Cases[2]
	if !strings.Contains(c.Failures[0].Message, "(+1 more finding)") || !strings.Contains(c.Failures[0].Body, "Second one.") {
		t.Errorf("two findings of one host and code: message %q, body %q", c.Failures[0].Message, c.Failures[0].Body)
	}
	if !strings.Contains(doc.Suites[0].Cases[3].SystemOut, "Version unknown.") {
		t.Errorf("info note not in system-out: %+v", doc.Suites[0].Cases[3])
	}
}

func TestFirstSentence(t *testing.T) {
	long := strings.Repeat("é", 400)
	tests := []struct{ in, want string }{
		{"One. Two.", "One."},
		{"203.0.113.20:443 negotiated TLS 1.0. Current builds", "203.0.113.20:443 negotiated TLS 1.0."},
		{"no full stop", "no full stop"},
		{"e.g. this one. Then", "e.g. this one."},
		{`Outlook shows "It failed. Try again": fix it. Then more`, `Outlook shows "It failed. Try again": fix it.`},
		{"not trusted here. (Trust is judged here.)", "not trusted here."},
		{long, strings.Repeat("é", maxSentence-1) + "…"},
	}
	for _, tt := range tests {
		if got := firstSentence(tt.in); got != tt.want {
			t.Errorf("firstSentence(%.20q) = %.20q…, want %.20q…", tt.in, got, tt.want)
		}
	}
}

func TestJUnitWriteError(t *testing.T) {
	if err := Render(failWriter{}, contosoReport(), junitOpts); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the writer's error", err)
	}
	var buf bytes.Buffer
	if err := Render(&buf, &diag.Report{GeneratedAt: now}, junitOpts); err != nil {
		t.Fatal(err)
	}
	if doc := parseJUnit(t, buf.String()); doc.Tests != 0 {
		t.Errorf("empty report: %d tests", doc.Tests)
	}
}

// FuzzJUnitNagios checks the machine formats on any strings: the JUnit
// document parses, and the Nagios output has one "|" and no raw controls.
func FuzzJUnitNagios(f *testing.F) {
	f.Add("mail.contoso.com", "The certificate expired.", "CN=mail.contoso.com", "https://mail.contoso.com/owa", "Set-X 'a'")
	f.Add("a|b\x1b[31m", "x\ny\r\u202e|]]>", "CN=\x00\ufffe", "https://h/|`|", "<![CDATA[\n&amp;")
	f.Fuzz(func(t *testing.T, host, msg, subject, url, cmd string) {
		rep := fuzzReport(host, msg, subject, url, cmd)
		var doc junitDoc
		var buf bytes.Buffer
		if err := Render(&buf, rep, junitOpts); err != nil {
			t.Fatal(err)
		}
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("JUnit does not parse: %v\n%s", err, buf.String())
		}
		buf.Reset()
		if err := Render(&buf, rep, nagiosOpts); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(buf.String(), "|"); n != 1 {
			t.Errorf("Nagios output has %d '|':\n%s", n, buf.String())
		}
		if p := rawControl(buf.String()); p != "" {
			t.Errorf("Nagios output: %s", p)
		}
	})
}
