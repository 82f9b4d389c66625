package report

import (
	"strconv"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
)

// The fix block under "fix:" is PowerShell as a whole: commands, and
// comment lines saying where a command must be typed or what to do by hand,
// so the block can be pasted as it is.

// where says where a step runs when that is not any Exchange Management
// Shell: a Local command works only in a shell on its server (Exchange
// 2007's certificate cmdlets have no -Server).
func where(fx diag.Fix) string {
	switch {
	case fx.Local && fx.Server != "":
		return "in a shell on " + clean(fx.Server) + ":"
	case fx.Local:
		return "in a shell on the server itself:"
	}
	return ""
}

// stepComment is a step's explanation, saying where to type it when the
// explanation does not name the server already.
func stepComment(fx diag.Fix) string {
	comment := clean(fx.Comment)
	if w := where(fx); w != "" && fx.Command != "" && (fx.Server == "" || !strings.Contains(comment, clean(fx.Server))) {
		return strings.TrimSpace(w + " " + comment)
	}
	return comment
}

// stepKey identifies a step across findings: its command, or for a step
// done by hand, its instruction.
func stepKey(fx diag.Fix) string {
	if fx.Command != "" {
		return "cmd\x00" + fx.Command + "\x00" + where(fx)
	}
	return "hand\x00" + fx.Comment
}

// fixes writes a finding's fix. By default each distinct step is printed
// once per report: a step printed for an earlier finding becomes a
// reference to it. --verbose prints every step with its explanation.
func (t *textRenderer) fixes(f *diag.Finding) {
	if len(f.Fix) == 0 {
		return
	}
	if t.verbose || t.full {
		t.fullFixes(f.Fix)
		return
	}
	type ref struct {
		at int // index of the step it stands for
		to string
		n  int
	}
	var fresh []diag.Fix
	var refs []ref
	for i, fx := range f.Fix {
		k := stepKey(fx)
		if to, ok := t.given[k]; ok {
			if n := len(refs); n > 0 && refs[n-1].to == to && refs[n-1].at == len(fresh) {
				refs[n-1].n++
			} else {
				refs = append(refs, ref{at: len(fresh), to: to, n: 1})
			}
			continue
		}
		t.given[k] = title(f)
		fresh = append(fresh, f.Fix[i])
	}
	switch {
	case len(fresh) == 0:
		t.para(detailIndent+"fix: ", detailIndent+"  ", "same as for "+refs[0].to+" above")
		return
	case len(refs) == 0 && allByHand(fresh):
		var text []string
		for _, fx := range fresh {
			text = append(text, clean(fx.Comment))
		}
		t.para(detailIndent+"fix: ", detailIndent+"  ", strings.Join(text, "; then "))
		return
	}
	t.line(detailIndent, "fix:")
	place := ""
	r := 0
	for i, fx := range fresh {
		for ; r < len(refs) && refs[r].at == i; r++ {
			t.comment("then the " + stepWord(refs[r].n) + " given above for " + refs[r].to)
		}
		if fx.Command == "" {
			t.comment("by hand: " + clean(fx.Comment))
			continue
		}
		if w := where(fx); w != place {
			place = w
			if w != "" {
				t.comment(w)
			}
		}
		t.line(cmdIndent, clean(fx.Command))
	}
	for ; r < len(refs); r++ {
		t.comment("then the " + stepWord(refs[r].n) + " given above for " + refs[r].to)
	}
}

func stepWord(n int) string {
	if n == 1 {
		return "step"
	}
	return strconv.Itoa(n) + " steps"
}

func allByHand(steps []diag.Fix) bool {
	for _, fx := range steps {
		if fx.Command != "" {
			return false
		}
	}
	return true
}

// comment writes a PowerShell comment, wrapped, under the fix.
func (t *textRenderer) comment(s string) {
	t.para(cmdIndent+"# ", cmdIndent+"# ", s)
}

// fullFixes prints the steps numbered by their comments: a step without a
// comment continues the step before it, so three Set- commands under one
// explanation read as one step.
func (t *textRenderer) fullFixes(steps []diag.Fix) {
	numbered := 0
	for i, fx := range steps {
		if i == 0 || fx.Comment != "" {
			numbered++
		}
	}
	n := 0
	for i, fx := range steps {
		if i == 0 || fx.Comment != "" {
			n++
			name := "fix: "
			if numbered > 1 {
				name = "fix " + strconv.Itoa(n) + ": "
			}
			t.para(detailIndent+name, detailIndent+"  ", stepComment(fx))
		}
		if fx.Command != "" {
			t.line(cmdIndent, clean(fx.Command))
		}
	}
}
