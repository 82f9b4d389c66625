package report

import (
	"strings"
	"unicode/utf8"
)

// psLines breaks a PowerShell command into lines of at most width runes
// where it can, so a ticket's code block needs no sideways scrolling:
// before a parameter ("-InternalUrl") with a trailing backtick, which
// continues the command on the next line, and after a statement separator
// ("; "). It breaks only outside quotes, braces and parentheses, so what
// runs is the same command; a piece that alone is wider than width (a long
// quoted URL) stays whole.
func psLines(cmd string, width int) []string {
	if utf8.RuneCountInString(cmd) <= width {
		return []string{cmd}
	}
	const cont = "    "
	var lines []string
	cur, curLen := "", 0
	for _, p := range psPieces(cmd) {
		n := utf8.RuneCountInString(p.text)
		switch {
		case cur == "":
			cur, curLen = p.text, n
			if len(lines) > 0 && p.param {
				cur, curLen = cont+p.text, n+len(cont)
			}
		case p.stmt:
			lines = append(lines, cur)
			cur, curLen = p.text, n
		case curLen+1+n+2 > width:
			lines = append(lines, cur+" `")
			cur, curLen = cont+p.text, n+len(cont)
		default:
			cur += " " + p.text
			curLen += 1 + n
		}
	}
	return append(lines, cur)
}

// psPiece is a run of a command between two places it may break.
type psPiece struct {
	text  string
	param bool // starts with "-": a break before it needs a backtick
	stmt  bool // starts a new statement: a break before it needs nothing
}

// psPieces splits cmd at the spaces before parameters and after ";",
// outside quotes and brackets. PowerShell quotes: ' and its typographic
// forms (a quote inside is doubled), " and its forms (escaped by doubling
// or a backtick).
func psPieces(cmd string) []psPiece {
	var out []psPiece
	start, depth := 0, 0
	var quote rune
	stmt := false
	rs := []rune(cmd)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0:
			switch {
			case r == '`' && quote == '"':
				i++
			case quoteKind(r) == quote:
				if i+1 < len(rs) && quoteKind(rs[i+1]) == quote {
					i++
				} else {
					quote = 0
				}
			}
		case quoteKind(r) != 0:
			quote = quoteKind(r)
		case r == '`':
			i++
		case r == '{' || r == '(' || r == '[':
			depth++
		case r == '}' || r == ')' || r == ']':
			depth = max(depth-1, 0)
		case depth > 0:
		case r == ';' && i+1 < len(rs) && rs[i+1] == ' ':
			out = append(out, psPiece{text: string(rs[start : i+1]), stmt: stmt})
			start, stmt = i+2, true
			i++
		case r == ' ' && i+1 < len(rs) && rs[i+1] == '-' && i > start:
			out = append(out, psPiece{text: string(rs[start:i]), stmt: stmt})
			start, stmt = i+1, false
		}
	}
	out = append(out, psPiece{text: string(rs[start:]), stmt: stmt})
	for i := range out {
		out[i].param = strings.HasPrefix(out[i].text, "-")
	}
	return out
}

// quoteKind folds PowerShell's quote characters to ' or ", or 0.
func quoteKind(r rune) rune {
	switch r {
	case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
		return '\''
	case '"', '\u201c', '\u201d', '\u201e':
		return '"'
	}
	return 0
}
