package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/report"
	"github.com/exdiag/exdiag/internal/term"
)

// runTime is the wall clock of the golden runs: the time of the run, which
// reports print apart from the lab's --as-of.
var runTime = time.Date(2026, 6, 1, 12, 34, 56, 0, time.UTC)

// reportFormats are the goldens kept per scenario: file extension and the
// flags that make it.
var reportFormats = []struct{ ext, format string }{
	{"txt", "text"}, {"md", "markdown"}, {"html", "html"}, {"json", "json"}, {"junit.xml", "junit"}, {"nagios.txt", "nagios"},
}

// labScenario starts the lab of a scenario for the test and closes it at
// the test's end.
func labScenario(t *testing.T, name string) *lab.Lab {
	t.Helper()
	l, err := lab.Start(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// runLab runs exdiag check against a running lab with a fixed run time and
// stdout as a terminal of the given width when width > 0.
func runLab(t *testing.T, l *lab.Lab, width int, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	io, out, errOut := term.Test(lab.LabPassword+"\n", nil)
	if width > 0 {
		io.SetTTY(false, true, false)
		io.SetWidth(width)
	}
	f := &Factory{IO: io, Now: func() time.Time { return runTime }, Version: "test"}
	code = Run(context.Background(), f, append(append([]string{"check"}, l.CheckArgs()...), args...))
	return out.String(), errOut.String(), code
}

// Every scenario's report in every format is pinned byte for byte, but for
// the lab's ports: fixed clocks, deterministic certificates, stable sorts.
func TestScenarioReports(t *testing.T) {
	for _, name := range lab.Scenarios() {
		t.Run(name, func(t *testing.T) {
			l := labScenario(t, name)
			for _, rf := range reportFormats {
				stdout, stderr, code := runLab(t, l, 0, "--format", rf.format, "--color", "never")
				failed := code == ExitNoRun || code == ExitUsage
				if rf.format == "nagios" {
					failed = code == report.NagiosUnknown // 2 is CRITICAL there
				}
				if failed {
					t.Fatalf("%s: exit %d:\n%s", rf.format, code, stderr)
				}
				golden(t, name+"."+rf.ext, maskLab(stdout))
			}
		})
	}
}

// proseProblems lists the lines of a text report wider than width that
// could have been wrapped: not a fix command (pasted, never wrapped), not a
// single word such as a long URL.
func proseProblems(text string, width int, commands []string) []string {
	isCommand := map[string]bool{}
	for _, c := range commands {
		isCommand[c] = true
	}
	var out []string
	for i, l := range strings.Split(text, "\n") {
		if len([]rune(l)) <= width {
			continue
		}
		body := strings.TrimSpace(l)
		if isCommand[body] || !strings.Contains(body, " ") {
			continue
		}
		out = append(out, fmt.Sprintf("line %d has %d columns: %q", i+1, len([]rune(l)), l))
	}
	return out
}

// The default text report fits one screen in the common case: the demo's
// `all` scenario takes at most 8 lines per finding at 100 columns, and no
// line of prose of any scenario is wider than the terminal (100 when piped,
// the terminal's width on a terminal).
func TestTextReportIsShort(t *testing.T) {
	for _, name := range lab.Scenarios() {
		t.Run(name, func(t *testing.T) {
			l := labScenario(t, name)
			js, _, _ := runLab(t, l, 0, "--format", "json")
			var r fixJSON
			decodeJSON(t, js, &r)
			var commands []string
			for _, f := range r.Findings {
				for _, fx := range f.Fix {
					commands = append(commands, fx.Command)
				}
			}
			for _, width := range []int{0, 80, 120} {
				text, _, _ := runLab(t, l, width, "--color", "never")
				w := width
				if w == 0 {
					w = 100
				}
				for _, p := range proseProblems(text, w, commands) {
					t.Errorf("width %d: %s", w, p)
				}
				lines := strings.Count(text, "\n")
				if width == 0 && len(r.Findings) > 0 {
					perFinding := float64(lines) / float64(len(r.Findings))
					t.Logf("%s: %d lines for %d findings, %.1f per finding", name, lines, len(r.Findings), perFinding)
					if name == "all" && perFinding > 8 {
						t.Errorf("%d lines for %d findings: %.1f per finding, want at most 8", lines, len(r.Findings), perFinding)
					}
				}
			}
		})
	}
}

func decodeJSON(t *testing.T, js string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(js), v); err != nil {
		t.Fatalf("report is not JSON: %v\n%.500s", err, js)
	}
}

// The width check itself catches a long line of prose, and lets commands
// and unbreakable words through.
func TestProseProblems(t *testing.T) {
	long := strings.Repeat("word ", 30)
	cmd := "Set-X -Identity '" + strings.Repeat("y", 100) + "'"
	text := "short\n" + long + "\n        " + cmd + "\n      https://" + strings.Repeat("z", 120) + "\n"
	if p := proseProblems(text, 100, []string{cmd}); len(p) != 1 || !strings.Contains(p[0], "line 2") {
		t.Errorf("problems %q, want line 2 only", p)
	}
}
