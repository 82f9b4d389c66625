// Package reporttest holds the checks the tests of report and cli apply
// to rendered reports: Markdown through a real renderer (goldmark with the
// GitHub table extension), text against a width, HTML in a real browser.
// Only tests import it; it is not part of the exdiag binary.
package reporttest

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// MarkdownLimits are what a ticket at GitHub width can show.
type MarkdownLimits struct {
	// Cell is the most characters a table cell may render to.
	Cell int
	// Code is the most characters a line of a fenced code block may hold;
	// 0 checks no code block.
	Code int
}

// MarkdownStats count what CheckMarkdown saw, so a test can tell a
// document without tables from one whose tables passed.
type MarkdownStats struct {
	Tables, Rows, CodeBlocks int
}

var tags = regexp.MustCompile(`<[^>]*>`)

// CheckMarkdown renders md as GitHub does (CommonMark and GFM tables) and
// returns every problem: a table row whose cells the renderer padded (too
// few) or dropped (too many) against the header, a cell rendering to more
// than lim.Cell characters, a code block line over lim.Code.
func CheckMarkdown(md string, lim MarkdownLimits) (MarkdownStats, []string) {
	gm := goldmark.New(goldmark.WithExtensions(extension.Table))
	src := []byte(md)
	doc := gm.Parser().Parse(text.NewReader(src))
	var st MarkdownStats
	var problems []string
	report := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	err := gast.Walk(doc, func(n gast.Node, entering bool) (gast.WalkStatus, error) {
		if !entering {
			return gast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *east.Table:
			st.Tables++
			head := n.FirstChild().ChildCount()
			for row := n.FirstChild(); row != nil; row = row.NextSibling() {
				st.Rows++
				line := lineAt(src, row.Pos())
				cells := 0
				last := 0
				for c := row.FirstChild(); c != nil; c = c.NextSibling() {
					// A cell the renderer added to pad a short row has no
					// source line; one written as "| |" has an empty one.
					if c.Lines().Len() > 0 {
						cells++
						last = c.Lines().At(0).Stop
					}
					var buf bytes.Buffer
					if err := gm.Renderer().Render(&buf, src, c); err != nil {
						return gast.WalkStop, err
					}
					shown := html.UnescapeString(strings.TrimSpace(tags.ReplaceAllString(buf.String(), "")))
					if n := utf8.RuneCountInString(shown); n > lim.Cell {
						report("table cell of %d characters (limit %d): %.80q…", n, lim.Cell, shown)
					}
				}
				if cells != head {
					report("table row with %d cells, header has %d: %q", cells, head, line)
				}
				if rest := strings.Trim(string(src[min(last, len(src)):row.Pos()+len(line)]), " |"); last > 0 && rest != "" {
					report("table row content the renderer dropped: %q in %q", rest, line)
				}
			}
			return gast.WalkSkipChildren, nil
		case *gast.FencedCodeBlock:
			st.CodeBlocks++
			if lim.Code == 0 {
				return gast.WalkSkipChildren, nil
			}
			for i := range n.Lines().Len() {
				seg := n.Lines().At(i)
				l := strings.TrimRight(string(seg.Value(src)), "\n")
				if c := utf8.RuneCountInString(l); c > lim.Code {
					report("code block line of %d characters (limit %d): %q", c, lim.Code, l)
				}
			}
			return gast.WalkSkipChildren, nil
		}
		return gast.WalkContinue, nil
	})
	if err != nil {
		problems = append(problems, err.Error())
	}
	return st, problems
}

// lineAt is the source line starting at pos.
func lineAt(src []byte, pos int) string {
	if pos < 0 || pos > len(src) {
		return ""
	}
	line, _, _ := strings.Cut(string(src[pos:]), "\n")
	return line
}
