package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/report/reporttest"
)

// Every scenario's Markdown, with and without --verbose, renders through a
// real GitHub-flavoured renderer (goldmark, GFM tables) as a ticket shows
// it: every table row whole, no cell over 200 characters, no code line
// over 120.
func TestMarkdownScenariosRender(t *testing.T) {
	for _, name := range lab.Scenarios() {
		t.Run(name, func(t *testing.T) {
			l := labScenario(t, name)
			for _, verbose := range []bool{false, true} {
				args := []string{"--format", "markdown"}
				if verbose {
					args = append(args, "--verbose")
				}
				md, _, _ := runLab(t, l, 0, args...)
				st, problems := reporttest.CheckMarkdown(md, reporttest.MarkdownLimits{Cell: 200, Code: 120})
				for _, p := range problems {
					t.Errorf("verbose %v: %s", verbose, p)
				}
				if healthy := strings.Contains(md, "No problems found."); st.Tables == 0 && (!healthy || verbose) {
					t.Errorf("verbose %v: no table: the findings or endpoints table is missing", verbose)
				}
			}
		})
	}
}

// The HTML report, loaded in a real browser (headless Chromium), shows the
// verdict, the names × servers matrix with what each server serves, and
// every finding. The screenshot is kept (EXDIAG_ARTIFACTS) for people to
// look at; the assertions read the DOM the browser built.
func TestHTMLReportInBrowser(t *testing.T) {
	browser := reporttest.Chromium(t)
	l := labScenario(t, "all")
	page, _, _ := runLab(t, l, 0, "--format", "html")
	js, _, _ := runLab(t, l, 0, "--format", "json")
	var want struct {
		Certificates map[string]struct{ Thumbprint string }
		Servers      []struct{ Server, Host, Certificate string }
		Findings     []struct{ Code, Host string }
	}
	decodeJSON(t, js, &want)
	file := filepath.Join(t.TempDir(), "all.html")
	if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := browser.Screenshot(file, "exdiag-all.png", 1400, 1800)
	t.Logf("screenshot: %s", shot)
	doc, err := html.Parse(bytes.NewReader(browser.DumpDOM(file)))
	if err != nil {
		t.Fatal(err)
	}
	if v := find(doc, "p", "id", "verdict"); v == nil || !strings.HasPrefix(textOf(v), "FAIL") || !strings.Contains(textOf(v), "errors") {
		t.Errorf("no FAIL verdict in the rendered page")
	}
	matrix := find(doc, "table", "class", "matrix")
	if matrix == nil {
		t.Fatal("no matrix in the rendered page")
	}
	// Each server asked for a shared name shows, in the cell of that name
	// and server, the first digits of the certificate it served.
	var columns []string
	for _, th := range findAll(find(matrix, "thead", "", ""), "th", "", "") {
		columns = append(columns, textOf(th))
	}
	rows := map[string][]string{}
	for _, tr := range findAll(find(matrix, "tbody", "", ""), "tr", "", "") {
		var cells []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				cells = append(cells, textOf(c))
			}
		}
		rows[cells[0]] = cells
	}
	checked := 0
	for _, s := range want.Servers {
		thumb := want.Certificates[s.Certificate].Thumbprint
		if thumb == "" {
			continue
		}
		col := indexOf(columns, s.Server)
		row := rows[s.Host]
		if col < 0 || row == nil || col >= len(row) {
			t.Errorf("no matrix cell for %s on %s (columns %q)", s.Host, s.Server, columns)
			continue
		}
		if !strings.Contains(row[col], thumb[:8]) {
			t.Errorf("cell %s × %s shows %q, want %s…", s.Host, s.Server, row[col], thumb[:8])
		}
		checked++
	}
	if checked == 0 {
		t.Error("the scenario has no per-server observations to check")
	}
	articles := findAll(doc, "article", "", "")
	if len(articles) != len(want.Findings) {
		t.Fatalf("%d findings rendered, want %d", len(articles), len(want.Findings))
	}
	for i, f := range want.Findings {
		if h := textOf(find(articles[i], "h3", "", "")); !strings.Contains(h, f.Code) || !strings.Contains(h, f.Host) {
			t.Errorf("finding %d is %q, want %s on %s", i+1, h, f.Code, f.Host)
		}
	}
}

// find returns the first element named tag (with attribute key=val when
// key is set) under n, or nil.
func find(n *html.Node, tag, key, val string) *html.Node {
	all := findAll(n, tag, key, val)
	if len(all) == 0 {
		return nil
	}
	return all[0]
}

func findAll(n *html.Node, tag, key, val string) []*html.Node {
	var out []*html.Node
	if n == nil {
		return nil
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag && (key == "" || attr(n, key) == val) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf is the text of n and its children, spaces collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n == nil {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
