package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/term"
)

var update = flag.Bool("update", false, "rewrite golden files")

// runCLI runs one exdiag command line in-process with test streams.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	io, out, errOut := term.Test(stdin, nil)
	f := &Factory{IO: io, Now: time.Now, Version: "test"}
	code = Run(context.Background(), f, args)
	return out.String(), errOut.String(), code
}

// jsonReport is the part of an exdiag.report/v2 document the tests read.
type jsonReport struct {
	Sources  []struct{ Server, Origin string }
	Findings []struct {
		Code, Severity, Host, Message string
		Sources                       []int
		Fix                           []struct{ Command string }
	}
}

// summary is one line per finding: severity, code, host, the servers whose
// objects hold the URLs, and the commands of its fix.
func summary(t *testing.T, js string) []string {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, js)
	}
	var out []string
	for _, f := range r.Findings {
		// Whatever a run emits is in the catalogue, at most at its severity.
		if e, ok := catalog.Lookup(catalog.Code(f.Code)); !ok {
			t.Errorf("finding %s %s has no catalogue entry", f.Code, f.Host)
		} else if sev, err := catalog.ParseSeverity(f.Severity); err != nil || sev > e.Severity {
			t.Errorf("finding %s %s is %s, above its catalogue severity %s", f.Code, f.Host, f.Severity, e.Severity)
		}
		var servers []string
		for _, i := range f.Sources {
			if s := r.Sources[i]; s.Server != "" && !slices.Contains(servers, s.Server) {
				servers = append(servers, s.Server)
			}
		}
		out = append(out, fmt.Sprintf("%s %s %s [%s]", f.Severity, f.Code, f.Host, strings.Join(servers, ",")))
		for _, fx := range f.Fix {
			if fx.Command != "" {
				out = append(out, "    "+maskLab(fx.Command))
			}
		}
	}
	return out
}

// maskLab replaces what changes from run to run in the lab: its ports.
var labPort = regexp.MustCompile(`(127\.0\.0\.\d+):\d+`)

func maskLab(s string) string { return labPort.ReplaceAllString(s, "$1:PORT") }

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "scenarios", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run Scenario -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// Every scenario's findings, fixes and exit code are pinned; a healthy
// organisation (a fresh install of each version, the well-configured one)
// exits 0 with no error or warning, the others exit 1; and every fix
// command is valid on the Exchange version of the server it acts on
// (testdata/cmdlets/cmdlets.tsv).
func TestScenarioFindings(t *testing.T) {
	table := loadCmdletTable(t)
	commands := 0
	for _, name := range lab.Scenarios() {
		sc, err := lab.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, "", "demo", "--scenario", name, "--format", "json")
			want := ExitFindings
			if sc.Healthy {
				want = ExitOK
			}
			if code != want {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, want, stderr)
			}
			lines := summary(t, stdout)
			if sc.Healthy {
				for _, l := range lines {
					if strings.HasPrefix(l, "error ") || strings.HasPrefix(l, "warning ") {
						t.Errorf("a healthy organisation gets %s", l)
					}
				}
			}
			commands += checkCommands(t, table, sc, stdout)
			golden(t, name+".golden", fmt.Sprintf("exit %d\n%s\n", code, strings.Join(lines, "\n")))
		})
	}
	if commands < 20 {
		t.Errorf("only %d fix commands were checked against the cmdlet table", commands)
	}
}

// --ldif reads the same organisation as LDAP and must give the same findings.
func TestLDIFMatchesLDAP(t *testing.T) {
	for _, name := range []string{"all", "kb940726", "clients"} {
		t.Run(name, func(t *testing.T) {
			l, err := lab.Start(name)
			if err != nil {
				t.Fatal(err)
			}
			args := l.CheckArgs()
			viaLDAP, stderr, _ := runCLI(t, lab.LabPassword+"\n", append([]string{"check", "--format", "json"}, args...)...)
			viaLDIF, stderr2, _ := runCLI(t, "", append([]string{"check", "--format", "json", "--ldif", l.LDIFFile()}, l.NetworkArgs()...)...)
			if err := l.Close(); err != nil {
				t.Error(err)
			}
			a, b := summary(t, viaLDAP), summary(t, viaLDIF)
			if len(a) == 0 {
				t.Fatalf("no findings via LDAP; stderr:\n%s", stderr)
			}
			if diff := cmp.Diff(a, b); diff != "" {
				t.Errorf("LDAP and LDIF findings differ (-ldap +ldif):\n%s\nstderr:\n%s%s", diff, stderr, stderr2)
			}
		})
	}
}

// --no-revocation fetches no CRL or OCSP answer, so no revocation finding
// remains, while the rest of the run is the same.
func TestNoRevocation(t *testing.T) {
	l := labScenario(t, "clients")
	run := func(extra ...string) []string {
		out, stderr, _ := runCLI(t, lab.LabPassword+"\n", append(append([]string{"check", "--format", "json"}, l.CheckArgs()...), extra...)...)
		lines := summary(t, out)
		if len(lines) == 0 {
			t.Fatalf("no findings; stderr:\n%s", stderr)
		}
		return lines
	}
	with, without := run(), run("--no-revocation")
	has := func(lines []string, code string) bool {
		return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, " "+code+" ") })
	}
	if !has(with, "cert-revoked") || !has(with, "revocation-unavailable") {
		t.Fatalf("the clients scenario lacks its revocation findings: %q", with)
	}
	if has(without, "cert-revoked") || has(without, "revocation-unavailable") {
		t.Errorf("--no-revocation still judges revocation: %q", without)
	}
	if !has(without, "chain-incomplete") || !has(without, "cert-eku-missing") {
		t.Errorf("--no-revocation dropped other findings: %q", without)
	}
}
