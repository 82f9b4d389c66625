package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/term"
)

// runForTest runs an exdiag command line and returns its exit code,
// standard output and standard error.
func runForTest(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	io, out, errOut := term.Test("", nil)
	code := Run(context.Background(), NewFactory(io, "v9.9.9-test"), args)
	return code, out.String(), errOut.String()
}

func TestCompletionScripts(t *testing.T) {
	marks := map[string]string{
		"powershell": "Register-ArgumentCompleter",
		"bash":       "complete -o default -F __start_exdiag exdiag",
		"zsh":        "#compdef exdiag",
		"fish":       "complete -c exdiag",
		"PowerShell": "Register-ArgumentCompleter",
	}
	for shell, mark := range marks {
		t.Run(shell, func(t *testing.T) {
			code, out, errOut := runForTest(t, "completion", shell)
			if code != ExitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if !strings.Contains(out, "exdiag") || !strings.Contains(out, mark) {
				t.Errorf("%s script lacks %q:\n%.300s", shell, mark, out)
			}
		})
	}
}

func TestCompletionUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"completion", "cmd"}, {"completion"}, {"completion", "bash", "zsh"}} {
		code, out, errOut := runForTest(t, args...)
		if code != ExitUsage || out != "" {
			t.Errorf("%v: exit %d, stdout %q; want exit %d and no output", args, code, out, ExitUsage)
		}
		if !strings.HasPrefix(errOut, "exdiag: error: ") || !strings.Contains(errOut, "exdiag: hint: use exdiag completion powershell, bash, zsh or fish") {
			t.Errorf("%v: stderr %q", args, errOut)
		}
	}
}

func TestCompletionHelpHasProfileLine(t *testing.T) {
	code, out, _ := runForTest(t, "completion", "--help")
	if code != ExitOK || !strings.Contains(out, "exdiag completion powershell | Out-String | Invoke-Expression") || !strings.Contains(out, "$PROFILE") {
		t.Errorf("exit %d, help lacks the PowerShell profile line:\n%s", code, out)
	}
}

// TestCheckFlagValueCompletion asks cobra's hidden __complete command, as
// every generated script does, for the values of check's --format.
func TestCheckFlagValueCompletion(t *testing.T) {
	io, _, _ := term.Test("", nil)
	f := NewFactory(io, "test")
	root := NewCmdRoot(f)
	for _, c := range root.Commands() {
		if c.Name() == "check" {
			registerCheckCompletions(c)
			registerCheckCompletions(c) // a second registration is harmless
		}
	}
	for flag, want := range map[string][]string{
		"--format":  {"text\t", "markdown\t", "json\t", "junit\t", "nagios\t"},
		"--fail-on": {"error\t", "warning\t", "never\t"},
		"--color":   {"auto\t", "always\t", "never\t"},
		"--auth":    {"negotiate\t", "kerberos\t", "ntlm\t", "simple\t", "anonymous\t"},
	} {
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&bytes.Buffer{})
		root.SetArgs([]string{"__complete", "check", flag, ""})
		if err := root.Execute(); err != nil {
			t.Fatalf("%s: %v", flag, err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != len(want)+1 || lines[len(lines)-1] != ":4" {
			t.Errorf("%s: completions %q, want %d values and :4 (no file completion)", flag, lines, len(want))
			continue
		}
		for i, w := range want {
			if !strings.HasPrefix(lines[i], w) {
				t.Errorf("%s: completion %d = %q, want prefix %q", flag, i, lines[i], w)
			}
		}
	}
}
