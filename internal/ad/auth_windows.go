//go:build windows

package ad

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/go-ldap/ldap/v3"
	"github.com/go-ldap/ldap/v3/gssapi"
	"golang.org/x/sys/windows"
)

// kerberosClient uses SSPI: the logged-on user's ticket, with the TLS
// channel binding when the connection has one (DCs enforcing
// LdapEnforceChannelBinding require it), or explicit credentials.
func kerberosClient(o ConnectOptions, s *session) (ldap.GSSAPIClient, func(), error) {
	var (
		c   *gssapi.SSPIClient
		err error
	)
	switch {
	case o.User != "" && o.Password != "":
		domain, user, _ := splitUser(o.User)
		if user == "" {
			user = o.User
		}
		c, err = gssapi.NewSSPIClientWithUserCredentials(domain, user, o.Password)
	case s.leaf != nil:
		c, err = gssapi.NewSSPIClientWithChannelBinding(s.leaf)
	default:
		c, err = gssapi.NewSSPIClient()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("windows kerberos (SSPI): %w", err)
	}
	return c, func() { c.Close() }, nil
}

// kerberosCheckHint is the hint for a Kerberos failure without a better one.
const kerberosCheckHint = "check this session's Kerberos tickets (klist) and that it reaches a DC of the domain (nltest /dsgetdc:DOMAIN)"

// sspiFailures are the SSPI statuses a bind meets, known by value: Windows
// words their messages in the user's language.
var sspiFailures = map[syscall.Errno]struct{ name, hint string }{
	syscall.Errno(windows.SEC_E_NO_CREDENTIALS): {"SEC_E_NO_CREDENTIALS",
		"this Windows session has no domain credentials (a local account?): sign in with a domain account"},
	syscall.Errno(windows.SEC_E_TARGET_UNKNOWN): {"SEC_E_TARGET_UNKNOWN",
		"the domain has no ldap/ service principal for that name: use the DC's FQDN as registered in AD"},
	syscall.Errno(windows.SEC_E_WRONG_PRINCIPAL): {"SEC_E_WRONG_PRINCIPAL",
		"the name used is not the DC's own: use its FQDN in --ldap-url"},
	syscall.Errno(windows.SEC_E_NO_AUTHENTICATING_AUTHORITY): {"SEC_E_NO_AUTHENTICATING_AUTHORITY",
		"no domain controller answered for Kerberos (port 88): check the network or VPN"},
	syscall.Errno(windows.SEC_E_TIME_SKEW): {"SEC_E_TIME_SKEW",
		"this computer's clock differs from the DC's by more than Kerberos allows: resync it (w32tm /resync)"},
	syscall.Errno(windows.SEC_E_LOGON_DENIED): {"SEC_E_LOGON_DENIED",
		"the DC refused the logon: check the account (locked out, expired?)"},
	syscall.Errno(windows.SEC_E_INVALID_TOKEN): {"SEC_E_INVALID_TOKEN",
		"Windows could not use the DC's Kerberos answer: try another DC with --ldap-url"},
}

// sspiHint names an SSPI status and says what to do about it.
func sspiHint(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return ""
	}
	if f, ok := sspiFailures[errno]; ok {
		return f.name + ": " + f.hint
	}
	return ""
}
