package report

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

// fuzzReport puts the fuzzed strings in every field a renderer prints.
func fuzzReport(host, msg, subject, url, cmd string) *diag.Report {
	cert := diag.CertInfo{Subject: subject, CommonName: host, SANs: []string{host, subject}, Issuer: subject,
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(0, 1, 0), Thumbprint: subject, SHA256: cmd}
	src := inventory.Source{Origin: inventory.OriginLDAP, Server: host, Object: subject, DN: msg, Attribute: cmd}
	return &diag.Report{
		GeneratedAt:  now,
		Org:          host,
		DNSServers:   []string{msg},
		Certificates: []diag.CertInfo{cert},
		Summary:      diag.Summary{URLs: 1, Hosts: 1, Handshakes: 1, Errors: 1},
		Endpoints: []diag.Endpoint{{URL: url, Host: host, Address: host, Source: &src, TLSVersion: msg,
			Leaf: subject, Chain: []diag.CertInfo{cert}, Error: msg}},
		Findings: []diag.Finding{{Code: diag.Code(host), Severity: diag.Error, Host: host, Address: url,
			URLs: []string{url, host}, Message: msg, Sources: []inventory.Source{src}, Thumbprint: subject,
			Fix: []diag.Fix{{Comment: msg, Shell: host, Command: cmd}, {Command: url}}}},
	}
}

func FuzzRender(f *testing.F) {
	f.Add("mail.contoso.com", "The certificate expired.", "CN=mail.contoso.com", "https://mail.contoso.com/owa",
		"Set-OwaVirtualDirectory -Identity 'EX01\\owa (Default Web Site)'")
	f.Add("a|b\x1b[31m", "x\ny\r\u202e|", "CN=`x`|```", "https://h/|`|", "```\n````")
	f.Add("\x9b\xff\xfe", "\u2028\u0085\x00", "\\|\\\\|", "\\", "~~~\n```powershell")
	f.Fuzz(func(t *testing.T, host, msg, subject, url, cmd string) {
		rep := fuzzReport(host, msg, subject, url, cmd)
		for _, format := range []Format{Text, Markdown} {
			var buf bytes.Buffer
			if err := Render(&buf, rep, Options{Format: format}); err != nil {
				t.Fatal(err)
			}
			if p := rawControl(buf.String()); p != "" {
				t.Fatalf("%s: %s in:\n%s", format, p, buf.String())
			}
			if format == Markdown {
				if p := tableProblem(buf.String()); p != "" {
					t.Fatalf("markdown: %s", p)
				}
			}
		}
		var buf bytes.Buffer
		if err := Render(&buf, rep, Options{Format: JSON}); err != nil {
			t.Fatal(err)
		}
		var doc struct{ Schema, Org string }
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || doc.Schema != Schema {
			t.Fatalf("json: schema %q, err %v:\n%s", doc.Schema, err, buf.String())
		}
		if utf8.ValidString(host) && doc.Org != host {
			t.Fatalf("json: org %q reads back as %q", host, doc.Org)
		}
		if p := rawControl(buf.String()); p != "" {
			t.Fatalf("json: %s", p)
		}
	})
}
