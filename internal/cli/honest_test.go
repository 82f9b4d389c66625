package cli

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/term"
)

// --script checks it can write its file before any network work: with the
// file already there, the run stops at once (exit 3) without one DNS query.
// A run that fails later removes the file it created.
func TestScriptFileIsCheckedFirst(t *testing.T) {
	d, err := lab.StartDNS(lab.DNSSpec{Records: []string{"mail.contoso.com. 300 IN A 127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	file := filepath.Join(t.TempDir(), "fixes.ps1")
	if err := os.WriteFile(file, []byte("reviewed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runWith("", nil, "check", "mail.contoso.com", "--dns-server", d.Addr(), "--script", file)
	if r.code != ExitNoRun || !strings.Contains(r.stderr, "already exists") || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit 3 saying the file exists", r.code, r.stdout, r.stderr)
	}
	if n := d.Queries(); n != 0 {
		t.Errorf("%d DNS queries were made before --script was found unwritable", n)
	}
	if b, _ := os.ReadFile(file); string(b) != "reviewed\n" {
		t.Errorf("the existing file was changed: %q", b)
	}
	missing := filepath.Join(t.TempDir(), "no-such-folder", "fixes.ps1")
	r = runWith("", nil, "check", "mail.contoso.com", "--dns-server", d.Addr(), "--script", missing)
	if r.code != ExitNoRun || d.Queries() != 0 {
		t.Errorf("a file in a missing folder: exit %d after %d DNS queries; want exit 3 and none", r.code, d.Queries())
	}
	// A run interrupted before its end leaves no half-made script behind.
	fresh := filepath.Join(t.TempDir(), "new.ps1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	io, _, _ := term.Test("", nil)
	if code := Run(ctx, &Factory{IO: io, Now: time.Now}, []string{"check", "mail.contoso.com", "--dns-server", d.Addr(), "--script", fresh}); code != ExitInterrupted {
		t.Errorf("cancelled run: exit %d, want %d", code, ExitInterrupted)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("the script created for an interrupted run is still there: %v", err)
	}
}

// Ctrl+C (the context the signal cancels) ends the run with exit 130,
// saying how far it got, and prints no report. The test's dialer cancels
// the run as a chosen connection starts: a real connection to a real
// server, cut short, while reading the directory or while probing.
func TestInterruptExits130(t *testing.T) {
	l := labScenario(t, "kb940726")
	for _, tc := range []struct {
		name   string
		atLDAP bool
		want   *regexp.Regexp
	}{
		{"directory", true, regexp.MustCompile(`exdiag: error: interrupted while reading the directory\n`)},
		{"probes", false, regexp.MustCompile(`exdiag: error: interrupted while (looking up host names|connecting to the endpoints)( \(\d+ of \d+ done\))? after it read \d+ URLs of \d+ servers from the directory\n`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			io, out, errOut := term.Test(lab.LabPassword+"\n", nil)
			f := &Factory{IO: io, Now: time.Now, Version: "test", Dialer: cancelOnDial{cancel: cancel, ldap: l.LDAP.LDAPSAddr(), atLDAP: tc.atLDAP}}
			code := Run(ctx, f, append([]string{"check"}, l.CheckArgs()...))
			if code != ExitInterrupted {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitInterrupted, errOut)
			}
			if out.Len() != 0 {
				t.Errorf("a report was printed:\n%s", out)
			}
			if !tc.want.MatchString(errOut.String()) || !strings.Contains(errOut.String(), "exdiag: hint: nothing was changed") {
				t.Errorf("stderr does not say how far the run got (want %s):\n%s", tc.want, errOut)
			}
		})
	}
}

// cancelOnDial cancels the run as the first connection to the directory
// (atLDAP) or to anything else is made.
type cancelOnDial struct {
	cancel context.CancelFunc
	ldap   string
	atLDAP bool
}

func (c cancelOnDial) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if (addr == c.ldap) == c.atLDAP {
		c.cancel()
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// Arguments are URLs to check, like --url.
func TestURLArguments(t *testing.T) {
	d, err := lab.StartDNS(lab.DNSSpec{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	r := runWith("", nil, "check", "mail.contoso.com", "owa.contoso.com", "--dns-server", d.Addr(), "--format", "json")
	if r.code != ExitFindings {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	for _, want := range []string{`"url":"mail.contoso.com"`, `"url":"owa.contoso.com"`, `"code":"dns-missing"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %s", want)
		}
	}
}
