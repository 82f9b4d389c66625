package report

import (
	"bufio"
	_ "embed"
	"html/template"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

// --format html writes one self-contained page for an e-mail or a ticket
// attachment: no script, no external resource, styles inline. html/template
// escapes every value for its context; values are also cleaned first, so a
// control character shows as a visible escape, as in the other formats.

//go:embed templates/report.html
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// maxHTMLCerts caps the certificate table.
const maxHTMLCerts = 100

type htmlPage struct {
	Version, Org             string
	Verdict, VerdictClass    string
	Problems, Scope, Context string
	Matrix                   *matrixData
	Findings                 []htmlFinding
	Sites                    []htmlSite
	Certificates             []htmlCert
}

type htmlFinding struct {
	N                           int
	Severity, Class, Code, Host string
	Title, Message              string
	Servers                     []htmlServerRow
	URLCount                    string
	URLs, Sources               []string
	Fix                         [][]htmlFixLine
}

type htmlServerRow struct{ Thumb, Expires, Names string }

type htmlFixLine struct {
	Text    string
	Comment bool
}

type htmlCert struct{ Thumbprint, Name, Issuer, Until, SANs string }

func renderHTML(w *bufio.Writer, rep *diag.Report, opts Options) error {
	certs := certIndex(rep)
	c := countFindings(rep.Findings)
	page := htmlPage{
		Version: clean(opts.ToolVersion), Org: clean(rep.Org),
		Verdict: verdict(c), Problems: c.problems(), Scope: scope(rep.Summary),
		Matrix: buildMatrix(rep, certs, opts.WarnDays), Sites: htmlSites(rep, certs),
	}
	page.VerdictClass = map[string]string{"FAIL": "error", "WARN": "warning", "PASS": "ok"}[page.Verdict]
	ctx := []string{when(rep)}
	if len(rep.DNSServers) > 0 {
		ctx = append(ctx, "DNS servers "+clean(strings.Join(rep.DNSServers, ", ")))
	}
	page.Context = upperFirst(strings.Join(ctx, ", ")) + "."
	for i := range rep.Findings {
		page.Findings = append(page.Findings, htmlFindingOf(rep, certs, &rep.Findings[i], i+1, opts.Verbose))
	}
	for i := range rep.Certificates {
		if i == maxHTMLCerts {
			break
		}
		ci := &rep.Certificates[i]
		sans := make([]string, len(ci.SANs))
		for j, s := range ci.SANs {
			sans[j] = clean(s)
		}
		issuer := clean(ci.Issuer)
		if ci.SelfSigned {
			issuer += " (self-signed)"
		}
		page.Certificates = append(page.Certificates, htmlCert{
			Thumbprint: clean(ci.Thumbprint), Name: clean(certName(ci)), Issuer: issuer,
			Until: date(ci.NotAfter) + " " + lifetime(ci, asOf(rep)), SANs: strings.Join(capList(sans, maxSANs), ", "),
		})
	}
	return htmlTemplate.Execute(w, page)
}

func htmlFindingOf(rep *diag.Report, certs map[string]*diag.CertInfo, f *diag.Finding, n int, verbose bool) htmlFinding {
	h := htmlFinding{
		N: n, Severity: f.Severity.Label(), Class: f.Severity.String(), Code: clean(string(f.Code)), Host: clean(f.Host),
		Title: upperFirst(clean(problemTitle(f))), Message: clean(f.Message),
	}
	for _, g := range groupServers(f.Servers, certs) {
		row := htmlServerRow{Thumb: clean(shortThumb(g.leaf)), Expires: "not checked", Names: strings.Join(g.servers, ", ")}
		if g.cert != nil {
			row.Expires = expiry(g.cert, asOf(rep))
		}
		h.Servers = append(h.Servers, row)
	}
	if len(f.URLs) > 0 {
		h.URLCount = plural(len(f.URLs), "URL")
		urls := make([]string, len(f.URLs))
		for i, u := range f.URLs {
			urls[i] = clean(u)
		}
		h.URLs = capList(urls, maxListed)
	}
	if verbose {
		for _, s := range f.Sources {
			if s.Origin != inventory.OriginFlag {
				h.Sources = append(h.Sources, describeSource(s)+": "+clean(s.DN))
			}
		}
		h.Sources = capList(h.Sources, maxListed)
	}
	var block []htmlFixLine
	for _, fx := range f.Fix {
		if c := stepComment(fx); c != "" {
			block = append(block, htmlFixLine{Text: "# " + c, Comment: true})
		}
		if fx.Command != "" {
			block = append(block, htmlFixLine{Text: clean(fx.Command)})
		}
	}
	if len(block) > 0 {
		h.Fix = append(h.Fix, block)
	}
	return h
}
