package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/exdiag/exdiag/internal/diag"
)

// bigReport has n findings on n/10 hosts, each with two URLs and a fix,
// and one endpoint per finding.
func bigReport(n int) *diag.Report {
	base := contosoReport()
	rep := &diag.Report{GeneratedAt: now, Org: "Contoso", Certificates: base.Certificates,
		Summary: diag.Summary{URLs: n, Hosts: n / 10, Handshakes: n / 10, Errors: n}}
	tmpl := base.Findings[0]
	for i := range n {
		host := fmt.Sprintf("ex%04d.contoso.local", i/10)
		f := tmpl
		f.Host = host
		f.URLs = []string{fmt.Sprintf("https://%s/EWS/%d", host, i), fmt.Sprintf("https://%s/owa/%d", host, i)}
		rep.Findings = append(rep.Findings, f)
		e := base.Endpoints[0]
		e.URL, e.Host = f.URLs[0], host
		rep.Endpoints = append(rep.Endpoints, e)
	}
	return rep
}

func benchmarkRender(b *testing.B, f Format) {
	rep := bigReport(10000)
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(io.Discard, rep, Options{Format: f}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderText10k(b *testing.B)     { benchmarkRender(b, Text) }
func BenchmarkRenderMarkdown10k(b *testing.B) { benchmarkRender(b, Markdown) }
func BenchmarkRenderJSON10k(b *testing.B)     { benchmarkRender(b, JSON) }
