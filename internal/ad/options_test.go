package ad

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

func TestConnectOptionsHidePassword(t *testing.T) {
	o := ConnectOptions{URL: "ldaps://dc01", Auth: AuthSimple, User: `CONTOSO\helpdesk`, Password: "Hunter2-secret"}
	for _, s := range []string{o.String(), fmt.Sprint(o), fmt.Sprintf("%v %+v %#v %s", o, o, o, o), fmt.Sprintf("%+v", &o)} {
		if strings.Contains(s, "Hunter2") {
			t.Errorf("%q reveals the password", s)
		}
		if !strings.Contains(s, "password=(set)") {
			t.Errorf("%q does not say a password is set", s)
		}
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string]string{
		"ldap://dc01.contoso.com":       "ldap://dc01.contoso.com:389",
		"LDAPS://dc01.contoso.com":      "ldaps://dc01.contoso.com:636",
		"ldaps://dc01.contoso.com:3269": "ldaps://dc01.contoso.com:3269",
		"dc01.contoso.com":              "ldap://dc01.contoso.com:389",
		"ldap://[2001:db8::1]":          "ldap://[2001:db8::1]:389",
		"ldap://dc01/DC=contoso,DC=com": "ldap://dc01:389",
		"http://dc01.contoso.com":       "error",
		"ldap://":                       "error",
	} {
		got, err := parseTarget(in)
		s := got.String()
		if err != nil {
			s = "error"
		}
		if s != want {
			t.Errorf("%q: %s (%v), want %s", in, s, err, want)
		}
	}
}

func TestParseAuthAndSplitUser(t *testing.T) {
	if a, err := ParseAuth("Kerberos"); a != AuthKerberos || err != nil {
		t.Errorf("ParseAuth: %q %v", a, err)
	}
	if _, err := ParseAuth("digest"); err == nil {
		t.Error("ParseAuth accepted digest")
	}
	for in, want := range map[string]string{
		`CONTOSO\helpdesk`:     "CONTOSO|helpdesk|true",
		"helpdesk@contoso.com": "|helpdesk@contoso.com|true",
		"CN=helpdesk,DC=x":     "||false",
		`CONTOSO\`:             "||false",
	} {
		d, u, ok := splitUser(in)
		if got := fmt.Sprintf("%s|%s|%t", d, u, ok); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
}

func TestLDAPHints(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{ldap.NewError(ldap.LDAPResultInvalidCredentials, errors.New("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 775, v4563")), "locked out"},
		{ldap.NewError(ldap.LDAPResultInvalidCredentials, errors.New("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 532, v4563")), "password has expired"},
		{ldap.NewError(ldap.LDAPResultInvalidCredentials, errors.New("something else")), "check the user name"},
		{ldap.NewError(ldap.LDAPResultStrongAuthRequired, errors.New("x")), "encrypted connection"},
		{ldap.NewError(ldap.LDAPResultInsufficientAccessRights, errors.New("x")), "bind as a domain user"},
	} {
		if got := ldapHint(tc.err); !strings.Contains(got, tc.want) {
			t.Errorf("%v: hint %q, want %q", tc.err, got, tc.want)
		}
	}
	e := &Error{Op: "bind to dc01:389 as x", Err: errors.New("boom"), Hint: "do this"}
	if e.Error() != "bind to dc01:389 as x: boom" {
		t.Errorf("Error() = %q", e.Error())
	}
}
