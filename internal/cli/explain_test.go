package cli

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/term"
)

// runExplainForTest runs `exdiag explain args…` on its own (it does not
// need the root command) and returns the exit code, stdout and stderr.
func runExplainForTest(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	io, out, errOut := term.Test("", nil)
	cmd := NewCmdExplain(NewFactory(io, "v9.9.9-test"))
	cmd.SetArgs(args)
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	code := printError(io.ErrOut, cmd.ExecuteContext(context.Background()))
	return code, out.String(), errOut.String()
}

func TestExplainList(t *testing.T) {
	code, out, errOut := runExplainForTest(t)
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if f := strings.Fields(lines[0]); len(f) != 3 || f[0] != "CODE" || f[1] != "SEVERITY" || f[2] != "TITLE" {
		t.Errorf("header line %q", lines[0])
	}
	all := catalog.All()
	if len(lines) != len(all)+1 {
		t.Errorf("%d lines for %d codes", len(lines), len(all))
	}
	for i, e := range all {
		if i+1 >= len(lines) {
			break
		}
		f := strings.Fields(lines[i+1])
		if len(f) < 3 || f[0] != string(e.Code) || f[1] != e.Severity.String() || !strings.HasSuffix(lines[i+1], e.Title) {
			t.Errorf("line %q, want %s %s %s", lines[i+1], e.Code, e.Severity, e.Title)
		}
	}
}

func TestExplainCode(t *testing.T) {
	code, out, errOut := runExplainForTest(t, "NAME-MISMATCH")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		"name-mismatch (error)\nthe certificate does not cover the host name in the URL\n",
		"\nWhat it means\n  ",
		"\nWhat the Outlook user sees\n  ",
		"\nWhy it happens\n  ",
		"\nHow to fix it\n  ",
		"\nReferences\n  KB 940726",
		"\n    Set-ClientAccessServer -Identity EX01 -AutoDiscoverServiceInternalUri https://mail.contoso.com/Autodiscover/Autodiscover.xml\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The dialog text, whatever the wrapping.
	if dialog := `"The name of the security certificate is invalid or does not match the name of the site"`; !strings.Contains(strings.Join(strings.Fields(out), " "), dialog) {
		t.Errorf("output lacks %s", dialog)
	}
}

// TestExplainEveryCode renders every explanation: all sections present,
// prose wrapped within 80 columns, commands on lines of their own.
func TestExplainEveryCode(t *testing.T) {
	for _, e := range catalog.All() {
		code, out, errOut := runExplainForTest(t, string(e.Code))
		if code != ExitOK || errOut != "" {
			t.Errorf("%s: exit %d, stderr %q", e.Code, code, errOut)
			continue
		}
		for _, h := range []string{"What it means", "What the Outlook user sees", "Why it happens", "How to fix it"} {
			if !strings.Contains(out, "\n"+h+"\n  ") {
				t.Errorf("%s: no %q section", e.Code, h)
			}
		}
		for _, l := range strings.Split(out, "\n") {
			if !strings.HasPrefix(l, "    ") && utf8.RuneCountInString(l) > explainWidth {
				t.Errorf("%s: line longer than %d columns: %q", e.Code, explainWidth, l)
			}
		}
	}
}

func TestExplainUnknownCode(t *testing.T) {
	code, out, errOut := runExplainForTest(t, "name-missmatch")
	if code != ExitUsage || out != "" {
		t.Errorf("exit %d, stdout %q; want %d and nothing", code, out, ExitUsage)
	}
	for _, want := range []string{`exdiag: error: unknown finding code "name-missmatch"; did you mean "name-mismatch"?`, "exdiag: hint: run 'exdiag explain'"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
	code, _, errOut = runExplainForTest(t, "zzzz\x1b[31m")
	if code != ExitUsage || strings.Contains(errOut, "did you mean") || strings.Contains(errOut, "\x1b") {
		t.Errorf("exit %d, stderr %q: want exit 2, no suggestion, no raw escape", code, errOut)
	}
	if code, _, _ := runExplainForTest(t, "name-mismatch", "cn-only-match"); code != ExitUsage {
		t.Errorf("two codes: exit %d, want %d", code, ExitUsage)
	}
}

func TestClosestCode(t *testing.T) {
	for in, want := range map[string]string{
		"name-mismatch":     "name-mismatch",
		"cert-expird":       "cert-expired",
		"mismatch":          "name-mismatch",
		"starttls":          "starttls-missing",
		"dns-mising":        "dns-missing",
		"ldap-unredable":    "ldap-unreadable",
		"something-else":    "",
		"":                  "",
		"principal-mismatc": "principal-name-mismatch",
	} {
		if got := closestCode(in); string(got) != want {
			t.Errorf("closestCode(%q) = %q, want %q", in, got, want)
		}
	}
}
