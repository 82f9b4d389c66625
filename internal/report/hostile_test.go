package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/safetext"
)

// hostileReport is what a malicious server or directory could feed us:
// ANSI escapes, table pipes, backticks and fences, newlines, C1 CSI, bidi
// overrides and invalid UTF-8 in every field a renderer prints.
func hostileReport() *diag.Report {
	const evil = "\x1b[31mred\x1b[0m | pipe ` tick ``` fence\nnew line\r\t\x9b\u009b2J \u202eoverride\u2028 \xff *bold* <b>&amp;"
	host := "mail.contoso.com\x1b[8m|`x`\u202e"
	cert := diag.CertInfo{
		Subject: "CN=" + evil, CommonName: host, SANs: []string{host, "a|b", "line\nbreak"},
		Issuer: "CN=Evil CA\u202e\x07", NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(0, 0, 3),
		Serial: "1", Thumbprint: "AB`CD\x1b", SHA256: "``", KeyAlgorithm: "RSA\n2048",
	}
	src := inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceOWA, Scope: inventory.ScopeExternal,
		Server: "EX01\x1b]0;title\x07", Object: "owa|(Default Web Site)", DN: "CN=" + evil, Attribute: "msExch\nExternalHostName"}
	url := "https://" + host + "/owa?a=|b|&c=`d`\x1b[0m"
	return &diag.Report{
		GeneratedAt:  now,
		Org:          "Evil\x1b]0;pwned\x07 | Corp",
		DNSServers:   []string{"10.0.0.1:53\x1b[2J"},
		Certificates: []diag.CertInfo{cert},
		Summary:      diag.Summary{URLs: 1, Hosts: 1, Handshakes: 1, Errors: 1},
		Endpoints: []diag.Endpoint{{URL: url, Scheme: "https", Host: host, Port: 443, Address: "10.0.0.9:443|x",
			Source: &src, TLSVersion: "TLS 1.2\x1b", Leaf: cert.Thumbprint, Chain: []diag.CertInfo{cert}, Error: evil}},
		Findings: []diag.Finding{{
			Code: diag.Code("name|mismatch\x1b"), Severity: diag.Error, Host: host, Address: "10.0.0.9:443\n",
			URLs: []string{url, evil}, Message: evil, Sources: []inventory.Source{src}, Thumbprint: cert.Thumbprint,
			Fix: []diag.Fix{
				{Comment: "run this\n# injected comment " + evil, Shell: "power`shell\x1b", Command: "Set-X ```\n````\n" + evil},
				{Comment: "manual step only"},
			},
		}},
	}
}

// rawControl returns a description of the first control character, bidi
// override or invalid UTF-8 byte in s other than "\n", or "".
func rawControl(s string) string {
	line := 1
	for i, r := range s {
		switch {
		case r == '\n':
			line++
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return fmt.Sprintf("invalid UTF-8 byte %#x on line %d", s[i], line)
		case safetext.Unsafe(r):
			return fmt.Sprintf("raw %U on line %d", r, line)
		}
	}
	return ""
}

// tableProblem checks that every row of every Markdown table has as many
// unescaped "|" as the table's header row, and returns the first mismatch.
// Lines inside fenced code blocks are not table rows.
func tableProblem(md string) string {
	want, fence := -1, ""
	for n, l := range strings.Split(md, "\n") {
		switch {
		case fence != "" && strings.TrimRight(l, " ") == fence:
			fence = ""
			continue
		case fence != "":
			continue
		case strings.HasPrefix(l, "```"):
			fence = l[:len(l)-len(strings.TrimLeft(l, "`"))]
			continue
		}
		if !strings.HasPrefix(l, "|") {
			want = -1
			continue
		}
		got, esc := 0, false
		for i := 0; i < len(l); i++ {
			switch {
			case esc:
				esc = false
			case l[i] == '\\':
				esc = true
			case l[i] == '|':
				got++
			}
		}
		if want < 0 {
			want = got
		}
		if got != want || !strings.HasSuffix(l, " |") {
			return fmt.Sprintf("line %d has %d cell separators, want %d: %q", n+1, got, want, l)
		}
	}
	return ""
}

func TestHostileIsEscaped(t *testing.T) {
	for _, f := range []Format{Text, Markdown, HTML, JSON} {
		var buf bytes.Buffer
		if err := Render(&buf, hostileReport(), Options{Format: f}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if p := rawControl(out); p != "" {
			t.Errorf("%s output: %s", f, p)
		}
		for _, b := range []byte{0x1b, 0x07, 0x7f, 0x9b, '\r', '\t'} {
			if i := bytes.IndexByte(buf.Bytes(), b); i >= 0 {
				t.Errorf("%s output has raw byte %#x at %d", f, b, i)
			}
		}
		if f != JSON && (!strings.Contains(out, `\x1b[31mred`) || !strings.Contains(out, `\u202e`)) {
			t.Errorf("%s output does not show the escapes visibly", f)
		}
		if f == HTML && (strings.Contains(out, "<b>") || !strings.Contains(out, "&lt;b&gt;&amp;amp;")) {
			t.Errorf("HTML output does not escape markup from the report:\n%s", out)
		}
	}
}

func TestMarkdownTablesKeepColumns(t *testing.T) {
	for _, tc := range fixtures() {
		var buf bytes.Buffer
		if err := Render(&buf, tc.rep, Options{Format: Markdown}); err != nil {
			t.Fatal(err)
		}
		if p := tableProblem(buf.String()); p != "" {
			t.Errorf("%s: %s", tc.name, p)
		}
	}
}

func TestMarkdownFenceOutlastsContent(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, hostileReport(), Options{Format: Markdown}); err != nil {
		t.Fatal(err)
	}
	// The hostile command holds a run of four backticks, so the fence is five.
	if !strings.Contains(buf.String(), "\n`````powershell\n") {
		t.Errorf("want a five-backtick fence with a sanitised info string:\n%s", buf.String())
	}
}
