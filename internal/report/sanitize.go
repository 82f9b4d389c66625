package report

import (
	"strings"

	"github.com/exdiag/exdiag/internal/safetext"
)

// Every string in a report may come from a hostile server or directory:
// certificate subjects, URLs, host names, messages quoting them. The text
// and Markdown renderers pass them through these functions so that no
// terminal escape, line break or bidi override reaches the reader raw.

// clean shows s with every unsafe rune escaped (safetext owns the rule).
var clean = safetext.Escape

// mdSpecial are the ASCII punctuation characters that could start Markdown
// or HTML syntax inside a line, or split a table cell. CommonMark lets any
// of them be escaped with a backslash.
const mdSpecial = "\\`*_[]<>|&~#"

// mdText escapes s for Markdown running text and table cells: controls
// become visible escapes and Markdown syntax characters are backslashed, so
// the rendered text is s itself.
func mdText(s string) string {
	s = clean(s)
	if !strings.ContainsAny(s, mdSpecial) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(mdSpecial, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != c {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return longest
}

// mdCode returns s as a Markdown code span whose backtick fence is longer
// than any backtick run inside it. Not for table cells: GFM splits cells on
// "|" even inside code spans.
func mdCode(s string) string {
	s = clean(s)
	if s == "" {
		return "-"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if s[0] == '`' || s[len(s)-1] == '`' || (s[0] == ' ' && s[len(s)-1] == ' ') {
		s = " " + s + " "
	}
	return fence + s + fence
}
