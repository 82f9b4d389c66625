package cli

import (
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/lab"
)

// exdiag check --auth ntlm against the lab DC, which answers Microsoft's
// NTLM bind (sicily) and checks the NTLMv2 response against the lab
// password: over LDAPS and over StartTLS, as DOMAIN\user and as a UPN.
func TestCheckNTLM(t *testing.T) {
	l, err := lab.Start("kb2710606")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	}()
	upn := strings.TrimPrefix(lab.LabUser, `CONTOSO\`) + "@" + l.Scenario.Org.Domain
	for _, url := range []string{"ldaps://" + l.LDAP.LDAPSAddr(), "ldap://" + l.LDAP.Addr()} {
		for _, user := range []string{lab.LabUser, upn} {
			args := append([]string{"check", "--ldap-url", url, "--auth", "ntlm", "--user", user, "--password-stdin", "--format", "json"}, l.NetworkArgs()...)
			r := runWith(lab.LabPassword+"\n", nil, args...)
			if r.code != ExitFindings || !strings.Contains(r.stdout, `"code":"principal-name-mismatch"`) {
				t.Errorf("%s as %s: exit %d, want the scenario's findings\n%s", url, user, r.code, r.stderr)
			}
		}
	}
	if b := l.LDAP.Binds(); len(b) != 4 || b[0] != lab.LabUser || b[1] != upn {
		t.Errorf("the DC saw binds %q, want the two accounts twice", b)
	}
}

// A wrong password gets AD's answer (result 49, data 52e) and its hint,
// and the password appears nowhere.
func TestCheckNTLMWrongPassword(t *testing.T) {
	l := labScenario(t, "healthy")
	const wrong = "Not-The-Lab-Password-3c9"
	args := append([]string{"check", "--ldap-url", "ldaps://" + l.LDAP.LDAPSAddr(), "--auth", "ntlm", "--user", lab.LabUser, "--password-stdin"}, l.NetworkArgs()...)
	r := runWith(wrong+"\n", nil, args...)
	wantErr := "exdiag: error: bind to " + l.LDAP.LDAPSAddr() + ` as CONTOSO\helpdesk: LDAP Result Code 49 "Invalid Credentials": 80090308`
	wantHint := "exdiag: hint: the user name or password is wrong; check the user name"
	if r.code == 0 || r.code == ExitFindings || !strings.Contains(r.stderr, wantErr) || !strings.Contains(r.stderr, wantHint) {
		t.Errorf("exit %d, stderr:\n%s\nwant %q and %q", r.code, r.stderr, wantErr, wantHint)
	}
	if strings.Contains(r.stdout+r.stderr, wrong) {
		t.Error("the password was printed")
	}
	if b := l.LDAP.Binds(); len(b) != 0 {
		t.Errorf("binds %q after a wrong password", b)
	}
}
