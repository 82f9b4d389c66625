package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
)

// explainWidth is the width `exdiag explain CODE` wraps its text to.
const explainWidth = 80

const explainLong = `Explain a finding code: what it means, what the Outlook user sees, why it
happens and how to fix it, with the Exchange Management Shell cmdlets and the
Microsoft articles (KB) it draws on.

Without CODE, list every code with its severity and a one-line title.`

// NewCmdExplain builds `exdiag explain [CODE]`.
func NewCmdExplain(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "explain [CODE]",
		Short:   "Explain a finding code: what it means, what users see, how to fix it",
		Long:    explainLong,
		Example: "  exdiag explain\n  exdiag explain name-mismatch",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf("run 'exdiag explain' to list the codes, then 'exdiag explain CODE'", "explain takes one finding code, got %d arguments", len(args))
			}
			return nil
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var codes []string
			for _, e := range catalog.All() {
				codes = append(codes, string(e.Code)+"\t"+e.Title)
			}
			return codes, cobra.ShellCompDirectiveNoFileComp
		},
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(_ *cobra.Command, args []string) error {
			var b strings.Builder
			if len(args) == 0 {
				explainList(&b)
			} else {
				e, ok := catalog.Lookup(catalog.Code(strings.ToLower(strings.TrimSpace(args[0]))))
				if !ok {
					return unknownCodeError(args[0])
				}
				explainCode(&b, e)
			}
			if _, err := io.WriteString(f.IO.Out, b.String()); err != nil {
				return runError(fmt.Errorf("write: %w", err))
			}
			return nil
		},
	}
}

// explainList writes the table of codes.
func explainList(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tSEVERITY\tTITLE")
	for _, e := range catalog.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Code, e.Severity, e.Title)
	}
	tw.Flush()
}

// explainCode writes one explanation under plain-text headings.
func explainCode(w io.Writer, e catalog.Entry) {
	fmt.Fprintf(w, "%s (%s)\n", e.Code, e.Severity)
	for _, l := range explainWrap(e.Title, "", explainWidth) {
		fmt.Fprintln(w, l)
	}
	if len(e.Clients) > 0 {
		var names []string
		for _, c := range e.Clients {
			names = append(names, string(c))
		}
		fmt.Fprintf(w, "\nWho it affects\n")
		explainSection(w, strings.Join(names, ", "))
	}
	for _, s := range []struct{ heading, text string }{
		{"What it means", e.Means},
		{"What the Outlook user sees", e.UserSees},
		{"Why it happens", e.Why},
		{"How to fix it", e.Fix},
	} {
		fmt.Fprintf(w, "\n%s\n", s.heading)
		explainSection(w, s.text)
	}
	if len(e.KB) > 0 {
		fmt.Fprintf(w, "\nReferences\n")
		explainSection(w, strings.Join(e.KB, ", "))
	}
}

// explainSection writes a section's text: paragraphs wrapped and indented
// by two spaces, command lines (indented by two in the text) by four and
// never wrapped, so they can be copied.
func explainSection(w io.Writer, text string) {
	var para []string
	flush := func() {
		if len(para) > 0 {
			for _, l := range explainWrap(strings.Join(para, " "), "  ", explainWidth) {
				fmt.Fprintln(w, l)
			}
			para = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
			fmt.Fprintln(w)
		case strings.HasPrefix(line, "  "):
			flush()
			fmt.Fprintln(w, "    "+strings.TrimSpace(line))
		default:
			para = append(para, strings.TrimSpace(line))
		}
	}
	flush()
}

// explainWrap breaks text into lines of at most width runes, each starting
// with indent; a longer word keeps a line of its own.
func explainWrap(text, indent string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && utf8.RuneCountInString(indent+line+" "+word) > width {
			lines = append(lines, indent+line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, indent+line)
	}
	return lines
}

// unknownCodeError is the usage error for a code exdiag does not know,
// suggesting the closest one.
func unknownCodeError(arg string) error {
	hint := "run 'exdiag explain' to list every finding code"
	if c := closestCode(strings.ToLower(strings.TrimSpace(arg))); c != "" {
		return usageErrorf(hint, "unknown finding code %q; did you mean %q?", arg, c)
	}
	return usageErrorf(hint, "unknown finding code %q", arg)
}

// closestCode returns the code nearest to s by edit distance, when it is
// near enough to be a typo (or s is part of it), else "".
func closestCode(s string) diag.Code {
	best, bestDist := diag.Code(""), -1
	for _, e := range catalog.All() {
		c := string(e.Code)
		d := editDistance(s, c)
		near := d <= max(2, utf8.RuneCountInString(c)/3) || (len(s) >= 4 && strings.Contains(c, s))
		if near && (bestDist < 0 || d < bestDist) {
			best, bestDist = e.Code, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
