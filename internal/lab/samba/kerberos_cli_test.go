package samba_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/cli"
	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/lab/samba"
	"github.com/exdiag/exdiag/internal/term"
)

// checkDC runs `exdiag check args...` in-process, reaching the DC's host
// name on loopback (the ticket is for ldap/dc01.contoso.local).
func checkDC(dc *samba.DC, args []string, stdin string) (stdout string, code int, stderr string) {
	io, out, errOut := term.Test(stdin, nil)
	f := &cli.Factory{IO: io, Now: time.Now, Version: "test", Dialer: dc.Dialer()}
	code = cli.Run(context.Background(), f, append([]string{"check"}, args...))
	return out.String(), code, errOut.String()
}

// kinit gets a ticket for the Administrator into a new cache and points
// KRB5CCNAME at it.
func kinit(t *testing.T, dc *samba.DC) {
	t.Helper()
	if _, err := exec.LookPath("kinit"); err != nil {
		if samba.Required() {
			t.Fatal("samba tier: kinit missing (apt-get install krb5-user)")
		}
		t.Skip("samba tier: kinit missing (apt-get install krb5-user); skipping")
	}
	cc := filepath.Join(t.TempDir(), "ccache")
	t.Setenv("KRB5CCNAME", "FILE:"+cc)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "kinit", "Administrator@"+samba.Realm)
	cmd.Stdin = strings.NewReader(dc.AdminPassword + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kinit: %v\n%s", err, out)
	}
}

// emptyDNS is a loopback DNS server that knows no name, so that checking
// the organisation's URLs resolves nothing and connects nowhere.
func emptyDNS(t *testing.T) string {
	t.Helper()
	d, err := lab.StartDNS(lab.DNSSpec{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d.Addr()
}

// TestCheckKerberosCLI runs the real `exdiag check --auth kerberos` with a
// kinit credential cache, over LDAPS and over LDAP with StartTLS (the DC
// refuses a GSSAPI bind without TLS, as go-ldap asks for no signing): the
// findings are those of a simple bind as the same user.
func TestCheckKerberosCLI(t *testing.T) {
	dc, _ := contoso(t)
	t.Setenv("KRB5_CONFIG", dc.Krb5Conf)
	kinit(t, dc)
	common := []string{"--ca-file", dc.CAFile, "--dns-server", emptyDNS(t), "--format", "json", "--fail-on", "never"}
	ref, code, stderr := checkDC(dc, append([]string{"--ldap-url", dc.LDAPSURL, "--auth", "simple", "--user", samba.Admin, "--password-stdin"}, common...), dc.AdminPassword+"\n")
	if code != 0 {
		t.Fatalf("simple bind: exit %d\n%s", code, stderr)
	}
	want := findings(t, ref)
	if len(want) == 0 {
		t.Fatal("no findings to compare")
	}
	for _, url := range []string{"ldaps://" + samba.Host, "ldap://" + samba.Host} {
		t.Run(strings.SplitN(url, ":", 2)[0], func(t *testing.T) {
			out, code, stderr := checkDC(dc, append([]string{"--ldap-url", url, "--auth", "kerberos"}, common...), "")
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if diff := cmp.Diff(want, findings(t, out)); diff != "" {
				t.Errorf("findings differ from the simple bind's (-simple +kerberos):\n%s", diff)
			}
		})
	}
}

// TestCheckKerberosWithoutTicket: no credential cache gives the kinit
// hint, and negotiate adds the password bind as a way out.
func TestCheckKerberosWithoutTicket(t *testing.T) {
	dc, _ := contoso(t)
	t.Setenv("KRB5_CONFIG", dc.Krb5Conf)
	t.Setenv("KRB5CCNAME", "FILE:"+filepath.Join(t.TempDir(), "none"))
	for _, auth := range []string{"kerberos", "negotiate"} {
		t.Run(auth, func(t *testing.T) {
			_, code, stderr := checkDC(dc, []string{"--ldap-url", "ldaps://" + samba.Host, "--auth", auth,
				"--ca-file", dc.CAFile, "--dns-server", emptyDNS(t)}, "")
			wantErr := "exdiag: error: bind to " + samba.Host + ":636 as the logged-on user: "
			wantHint := "exdiag: hint: no Kerberos ticket: run kinit user@REALM"
			if code == 0 || !strings.Contains(stderr, wantErr) || !strings.Contains(stderr, wantHint) {
				t.Errorf("exit %d, stderr:\n%s\nwant %q and %q", code, stderr, wantErr, wantHint)
			}
			if auth == "negotiate" && !strings.Contains(stderr, "or bind with a password: --user DOMAIN\\user") {
				t.Errorf("negotiate: no password way out:\n%s", stderr)
			}
		})
	}
}
