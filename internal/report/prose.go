package report

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Helpers that shape prose for people: the first sentence of a message,
// lines wrapped to a width, lists capped with "… and N more".

// maxSentence caps the one sentence the short formats print of a message,
// so a message quoting a hostile value stays a few lines long.
const maxSentence = 320

// firstSentence returns s up to the end of its first sentence: a '.', '!'
// or '?' followed by a space and an upper-case letter, outside double
// quotes (Outlook's dialog texts are quoted whole). Without such an end it
// returns s. A sentence may open with "(" or a quote. The result is capped
// at maxSentence runes.
func firstSentence(s string) string {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quoted = !quoted
		case quoted || (c != '.' && c != '!' && c != '?'):
		case i+2 < len(s) && s[i+1] == ' ':
			next := strings.TrimLeft(s[i+2:], "(\"")
			if r, _ := utf8.DecodeRuneInString(next); unicode.IsUpper(r) {
				return capRunes(s[:i+1], maxSentence)
			}
		}
	}
	return capRunes(s, maxSentence)
}

// capRunes cuts s to at most n runes, at a space when there is one in the
// last fifth, and marks the cut with "…".
func capRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, count := 0, 0
	for i := range s {
		if count == n-1 {
			cut = i
			break
		}
		count++
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut*4/5 {
		cut = sp
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}

// capList returns at most n items of list, the last of them "… and N
// more" when items were left out.
func capList(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	out := append([]string(nil), list[:n-1]...)
	return append(out, "… and "+strconv.Itoa(len(list)-n+1)+" more")
}

// joinFit joins names with ", " into at most width runes, ending with
// "and N more" when not all fit. The first name is always kept.
func joinFit(names []string, width int) string {
	s := strings.Join(names, ", ")
	if utf8.RuneCountInString(s) <= width || len(names) < 2 {
		return s
	}
	for k := len(names) - 1; k >= 1; k-- {
		s = strings.Join(names[:k], ", ") + " and " + strconv.Itoa(len(names)-k) + " more"
		if utf8.RuneCountInString(s) <= width {
			return s
		}
	}
	return s
}

// wrap breaks s at spaces into lines of at most width runes; a word longer
// than width (a URL, a thumbprint) gets a line of its own.
func wrap(s string, width int) []string { return wrapFirst(s, width, width) }

// wrapFirst is wrap with a first line of its own width. A number stays on
// the line of the word after it ("10 days").
func wrapFirst(s string, first, rest int) []string {
	width := max(first, 20)
	var lines []string
	var cur strings.Builder
	n := 0
	words := strings.Split(s, " ")
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "" {
			continue
		}
		for i+1 < len(words) && isNumber(w) && words[i+1] != "" && utf8.RuneCountInString(w+words[i+1]) < width {
			i++
			w += " " + words[i]
		}
		wn := utf8.RuneCountInString(w)
		if n > 0 && n+1+wn > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
			width = max(rest, 20)
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(w)
		n += wn
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

func isNumber(w string) bool {
	for _, c := range w {
		if c < '0' || c > '9' {
			return false
		}
	}
	return w != ""
}

// pad fills s with spaces to width runes.
func pad(s string, width int) string {
	n := utf8.RuneCountInString(s)
	if n >= width {
		return s
	}
	return s + strings.Repeat(" ", width-n)
}

// shortThumb is the first eight hex digits of a thumbprint, enough to tell
// the certificates of one report apart at a glance.
func shortThumb(t string) string {
	if len(t) <= 8 {
		return t
	}
	return t[:8]
}
