package wine

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
)

// pane is a tmux window running one command on a real terminal, which is
// where Wine gives a Windows program a console with colour and no-echo input.
type pane struct {
	sock   string // the tmux server's own socket name (tmux -L)
	status string // the file the command's exit status is written to
}

func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// startPane runs argv in a new tmux server of its own, with env added.
func startPane(t *testing.T, env []string, argv ...string) *pane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("wine tier: tmux missing (apt-get install tmux; make windows-wine does)")
	}
	p := &pane{sock: fmt.Sprintf("exdiag-wine-%d-%d", os.Getpid(), time.Now().UnixNano()), status: filepath.Join(t.TempDir(), "status")}
	args := []string{"-L", p.sock, "new-session", "-d", "-s", "t", "-x", "200", "-y", "50"}
	for _, kv := range env {
		args = append(args, "-e", kv)
	}
	// A shell in the pane waits for the command and writes its exit status:
	// tmux 3.3a, when the terminal closes before the child is reaped, marks
	// the pane dead without a status and leaves the Wine process a zombie
	// (seen every other run). remain-on-exit keeps the screen for capture.
	script := `"$@"; echo $? > "$0.tmp" && mv "$0.tmp" "$0"`
	args = append(args, shellQuote(append([]string{"sh", "-c", script, p.status}, argv...)), ";", "set-option", "-t", "t", "remain-on-exit", "on")
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-L", p.sock, "kill-server").Run() })
	return p
}

func (p *pane) tmux(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", p.sock}, args...)...).Output()
	if err != nil {
		t.Fatalf("tmux %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// screen is everything the pane showed, with colours as escape codes.
func (p *pane) screen(t *testing.T) string {
	return p.tmux(t, "capture-pane", "-p", "-e", "-J", "-S", "-", "-t", "t")
}

// waitUntil polls the pane until done says so, or fails after a minute.
func (p *pane) waitUntil(t *testing.T, what string, done func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !done(); {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within a minute; the pane shows:\n%s\nWine's processes then:\n%s", what, p.screen(t), wineProcesses())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// exitCode waits for the command to end and returns its exit status.
func (p *pane) exitCode(t *testing.T) int {
	t.Helper()
	var status []byte
	p.waitUntil(t, "exit", func() bool {
		var err error
		status, err = os.ReadFile(p.status)
		return err == nil
	})
	code, err := strconv.Atoi(strings.TrimSpace(string(status)))
	if err != nil {
		t.Fatalf("exit status %q", status)
	}
	return code
}

// wineProcesses lists the processes of Wine and exdiag with their state,
// to tell a program that has not ended from a Wine that has not let it.
func wineProcesses() string {
	out, err := exec.Command("ps", "-eo", "pid,ppid,stat,etime,wchan:24,args").Output()
	if err != nil {
		return err.Error()
	}
	var keep []string
	for i, line := range strings.Split(string(out), "\n") {
		if l := strings.ToLower(line); i == 0 || strings.Contains(l, "wine") || strings.Contains(l, ".exe") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

func (p *pane) wineEnv() []string {
	return []string{"WINEPREFIX=" + tier.env.Prefix, "WINEDEBUG=-all", "TERM=xterm-256color"}
}

// sgrRed is the red of ERROR as the terminal received it.
const sgrRed = "\x1b[31m"

// TestConsoleColour: on a console exdiag.exe turns VT processing on and
// colours severities; NO_COLOR turns colour off (https://no-color.org).
func TestConsoleColour(t *testing.T) {
	needWine(t)
	for _, tt := range []struct {
		name   string
		env    []string
		colour bool
	}{
		{"auto", nil, true},
		{"NO_COLOR", []string{"NO_COLOR=1"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := startPane(t, append((&pane{}).wineEnv(), tt.env...), tier.env.Loader, tier.exe, "demo", "--scenario", "kb2710606")
			if code := p.exitCode(t); code != 1 {
				t.Fatalf("exit %d, want 1 (findings):\n%s", code, p.screen(t))
			}
			s := p.screen(t)
			if !strings.Contains(s, "principal-name-mismatch") {
				t.Fatalf("no report on the console:\n%s", s)
			}
			if got := strings.Contains(s, sgrRed); got != tt.colour {
				t.Errorf("red on the console: %v, want %v:\n%q", got, tt.colour, s)
			}
		})
	}
}

// TestConsolePasswordPrompt: exdiag.exe asks for the password on the
// console without echo, and binds with what was typed.
func TestConsolePasswordPrompt(t *testing.T) {
	needWine(t)
	l, err := lab.Start("healthy")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	args := []string{tier.env.Loader, tier.exe, "check", "--ldap-url", "ldaps://" + l.LDAP.LDAPSAddr(),
		"--auth", "simple", "--user", lab.LabUser}
	for _, a := range l.NetworkArgs() {
		if strings.HasPrefix(a, "/") {
			a = WinPath(a)
		}
		args = append(args, a)
	}
	p := startPane(t, (&pane{}).wineEnv(), args...)
	prompt := "Password for " + lab.LabUser + ":" // capture-pane drops trailing spaces
	p.waitUntil(t, "password prompt", func() bool { return strings.Contains(p.screen(t), prompt) })
	// A user takes a while to type; meanwhile the progress line (drawn
	// after a second) must not write over the prompt.
	time.Sleep(2 * time.Second)
	if s := p.screen(t); !strings.Contains(s, prompt) || strings.Contains(s, "reading the directory") {
		t.Errorf("the prompt did not stay on the screen while the user typed:\n%s", s)
	}
	p.tmux(t, "send-keys", "-t", "t", "-l", lab.LabPassword)
	p.tmux(t, "send-keys", "-t", "t", "Enter")
	code := p.exitCode(t)
	s := p.screen(t)
	if code != 0 || !strings.Contains(s, "org Contoso") {
		t.Errorf("exit %d, want 0 and the healthy report:\n%s", code, s)
	}
	if strings.Contains(s, lab.LabPassword) {
		t.Errorf("the password was echoed:\n%s", s)
	}
	if b := l.LDAP.Binds(); len(b) != 1 || b[0] != lab.LabUser {
		t.Errorf("binds %q, want one as %s", b, lab.LabUser)
	}
}
