package wine

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/lab"
)

// TestVersion: exdiag.exe starts, and says it is the Windows build of the
// same version and commit as the Linux one.
func TestVersion(t *testing.T) {
	needWine(t)
	w, l := windows(t, "", "version"), linux(t, "", "version")
	if w.Code != 0 || l.Code != 0 {
		t.Fatalf("exit codes %d (windows), %d (linux)\n%s", w.Code, l.Code, w.Stderr)
	}
	if !strings.Contains(w.Stdout, "windows/amd64") {
		t.Errorf("exdiag.exe version:\n%s\nwant windows/amd64", w.Stdout)
	}
	if got, want := strings.ReplaceAll(w.Stdout, "windows/amd64", "linux/amd64"), l.Stdout; got != want {
		t.Errorf("exdiag.exe version differs from Linux beyond the platform:\n%s", cmp.Diff(want, got))
	}
}

// scenarioLine is one scenario in `exdiag demo --help`: two spaces, the
// name, two or more spaces, its description.
var scenarioLine = regexp.MustCompile(`^  ([a-z0-9][a-z0-9-]*) {2,}\S`)

// demoScenarios lists the scenarios `exdiag demo --help` offers, so that
// a scenario added to the lab is run here without a change.
func demoScenarios(t *testing.T) []string {
	t.Helper()
	help := linux(t, "", "demo", "--help").Stdout
	_, list, ok := strings.Cut(help, "Scenarios:\n")
	if !ok {
		t.Fatalf("no Scenarios: section in exdiag demo --help:\n%s", help)
	}
	var names []string
	for _, line := range strings.Split(list, "\n") {
		if line == "" {
			break
		}
		if m := scenarioLine.FindStringSubmatch(line); m != nil {
			names = append(names, m[1])
		}
	}
	for _, s := range lab.Scenarios() {
		if !slices.Contains(names, s) {
			t.Fatalf("scenario %s of the lab is not in exdiag demo --help (found %q): the help's format changed", s, names)
		}
	}
	return names
}

// TestDemo runs every scenario's demo in text and JSON on both platforms:
// the reports are the same once the lab's ports are masked.
func TestDemo(t *testing.T) {
	needWine(t)
	for _, sc := range demoScenarios(t) {
		for _, format := range []string{"text", "json"} {
			t.Run(sc+"/"+format, func(t *testing.T) {
				args := []string{"demo", "--scenario", sc, "--format", format}
				same(t, func() Result { return windows(t, "", args...) }, func() Result { return linux(t, "", args...) })
			})
		}
	}
}

// TestCheckLinuxLab runs exdiag.exe check against each lab scenario
// served by this (Linux) process, with the flags `exdiag lab` prints.
func TestCheckLinuxLab(t *testing.T) {
	needWine(t)
	for _, sc := range lab.Scenarios() {
		t.Run(sc, func(t *testing.T) {
			l, err := lab.Start(sc)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := l.Close(); err != nil {
					t.Error(err)
				}
			})
			args := append([]string{"check"}, l.CheckArgs()...)
			winArgs := slices.Clone(args)
			for i, a := range winArgs {
				if _, err := os.Stat(a); err == nil && strings.HasPrefix(a, "/") {
					winArgs[i] = WinPath(a)
				}
			}
			var w Result
			same(t, func() Result { w = windows(t, lab.LabPassword+"\n", winArgs...); return w },
				func() Result { return linux(t, lab.LabPassword+"\n", args...) })
			if w.Code > 1 || !strings.Contains(w.Stdout, l.Scenario.Org.Name) {
				t.Errorf("exdiag.exe check: exit %d, no report of %s:\n%s%s", w.Code, l.Scenario.Org.Name, w.Stdout, w.Stderr)
			}
		})
	}
}

// same compares exdiag.exe's run with the Linux one: exit code, and
// standard output and error with the ports masked. When they differ,
// Linux runs again and what varies between the two Linux runs (a key made
// afresh on each run, hence a thumbprint) is masked too. When they still
// differ, Windows runs again, twice at most, and each difference is
// logged: Wine 8.0 reads a TCP reset that arrives before the read is
// posted as end of file (underwine.LosesEarlyResets), so a server that
// resets mid-handshake is now and then "closed", not "reset".
func same(t *testing.T, win, lin func() Result) {
	t.Helper()
	l := lin()
	if l.Stdout == "" {
		t.Error("no report on Linux")
	}
	var l2 *Result
	for attempt := 1; ; attempt++ {
		w := win()
		diff := difference(w, l)
		if diff != "" {
			if l2 == nil {
				r := lin()
				l2 = &r
			}
			diff = difference(maskedBoth(w, l, *l2))
		}
		switch {
		case diff == "":
			return
		case attempt == 3:
			t.Errorf("exdiag.exe differs from Linux (-linux +windows), three runs in a row:\n%s", diff)
			return
		}
		t.Logf("run %d under Wine differed from Linux; running again:\n%s", attempt, diff)
	}
}

// difference describes how w differs from l, ports masked; "" if not.
func difference(w, l Result) string {
	var b strings.Builder
	if w.Code != l.Code {
		fmt.Fprintf(&b, "exit code %d on Windows, %d on Linux\nwindows stderr:\n%s\n", w.Code, l.Code, w.Stderr)
	}
	if d := cmp.Diff(maskPorts(l.Stdout), maskPorts(w.Stdout)); d != "" {
		fmt.Fprintf(&b, "stdout:\n%s\n", d)
	}
	if d := cmp.Diff(maskPorts(l.Stderr), maskPorts(w.Stderr)); d != "" {
		fmt.Fprintf(&b, "stderr:\n%s\n", d)
	}
	return b.String()
}

// maskedBoth masks in w and l what varies between the Linux runs l and l2.
func maskedBoth(w, l, l2 Result) (Result, Result) {
	w.Stdout, l.Stdout = maskVarying(maskPorts(w.Stdout), maskPorts(l.Stdout), maskPorts(l2.Stdout))
	w.Stderr, l.Stderr = maskVarying(maskPorts(w.Stderr), maskPorts(l.Stderr), maskPorts(l2.Stderr))
	return w, l
}

// hexToken is a digest or serial number as reports print them.
var hexToken = regexp.MustCompile(`\b[0-9A-Fa-f]{16,}\b`)

// maskVarying replaces, in w and l, the hex tokens that differ between
// the Linux runs l and l2 at the same place. Outputs with different
// numbers of tokens are left as they are.
func maskVarying(w, l, l2 string) (string, string) {
	lt, l2t, wt := hexToken.FindAllString(l, -1), hexToken.FindAllString(l2, -1), hexToken.FindAllString(w, -1)
	if len(lt) != len(l2t) || len(lt) != len(wt) {
		return w, l
	}
	mask := func(s string, toks []string) string {
		i := 0
		return hexToken.ReplaceAllStringFunc(s, func(tok string) string {
			defer func() { i++ }()
			if lt[i] != l2t[i] {
				return "VARIES"
			}
			return toks[i]
		})
	}
	return mask(w, wt), mask(l, lt)
}
