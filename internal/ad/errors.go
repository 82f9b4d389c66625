package ad

import (
	"context"
	"errors"
	"net"
	"regexp"
	"strings"

	"github.com/exdiag/exdiag/internal/netfail"
	"github.com/go-ldap/ldap/v3"
)

// Error is a failure to read the directory and what to do about it. Error()
// gives "op: err"; Hint is printed on its own line.
type Error struct {
	Op   string // what was being done, e.g. "bind to dc01.contoso.local:389 as CONTOSO\helpdesk"
	Err  error
	Hint string // the next step for the user; may be empty
}

func (e *Error) Error() string { return e.Op + ": " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// Errors that exdiag itself raises before asking the directory.
var (
	errClearTextBind = errors.New("refusing to send a password over an unencrypted connection")
	errNoPassword    = errors.New("no password given")
	errNoUser        = errors.New("no user name given")
	errNoTicket      = errors.New("no Kerberos ticket")
)

// failure wraps err with the hint that fits it.
func failure(op string, err error, hintFn func(error) string) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Op: op, Err: err, Hint: hintFn(err)}
}

// adDataRE finds the Win32 code AD puts into a failed bind's diagnostic
// message ("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563").
var adDataRE = regexp.MustCompile(`(?i)\bdata ([0-9a-f]{3,8})\b`)

// adBindReasons are the AcceptSecurityContext codes AD reports with result 49.
var adBindReasons = map[string]string{
	"525": "the account does not exist",
	"52e": "the user name or password is wrong",
	"530": "the account may not log on at this time",
	"531": "the account may not log on from this computer",
	"532": "the password has expired: change it, then try again",
	"533": "the account is disabled",
	"701": "the account has expired",
	"773": "the password must be changed before the first logon",
	"775": "the account is locked out: wait for the lockout to end or ask for an unlock",
}

// ldapHint explains an LDAP result code or network failure.
func ldapHint(err error) string {
	var le *ldap.Error
	if errors.As(err, &le) {
		switch le.ResultCode {
		case ldap.LDAPResultInvalidCredentials:
			hint := "check the user name (DOMAIN\\user, user@domain or a DN) and the password"
			if m := adDataRE.FindStringSubmatch(le.Err.Error()); m != nil {
				if r, ok := adBindReasons[strings.ToLower(m[1])]; ok {
					hint = r + "; " + hint
				}
			}
			return hint
		case ldap.LDAPResultStrongAuthRequired, ldap.LDAPResultConfidentialityRequired:
			return "the DC requires an encrypted connection (LDAP signing or channel binding policy): use ldap:// with StartTLS (the default) or ldaps://"
		case ldap.LDAPResultInappropriateAuthentication, ldap.LDAPResultAuthMethodNotSupported:
			return "the DC does not accept this kind of bind: try --auth negotiate, or --auth simple with --user"
		case ldap.LDAPResultInsufficientAccessRights, ldap.LDAPResultOperationsError:
			return "the DC does not let this connection read the configuration: bind as a domain user (--auth negotiate, or --user)"
		case ldap.LDAPResultBusy, ldap.LDAPResultUnavailable, ldap.LDAPResultUnwillingToPerform:
			return "the DC is busy or refuses the operation: try another DC with --ldap-url"
		case ldap.LDAPResultTimeLimitExceeded, ldap.LDAPResultSizeLimitExceeded, ldap.LDAPResultAdminLimitExceeded:
			return "the DC stopped the search at its limits: raise --timeout, or ask a DC with a higher MaxPageSize"
		}
	}
	return netHint(err)
}

// netHint explains a failure to reach a host, classified by the error's
// values (errno, net.Error), never by its text: Windows words them in the
// user's language.
func netHint(err error) string {
	var dnsErr *net.DNSError
	switch kind := netfail.Of(err); {
	case kind == netfail.Timeout, ldapClientFailure(err, ldapTimedOut):
		return "no answer in time: check that a firewall lets LDAP through (389, 636), or raise --timeout"
	case errors.Is(err, context.Canceled):
		return ""
	case kind == netfail.Refused:
		return "nothing listens there: LDAP is on port 389 (ldap://) and LDAPS on 636 (ldaps://) of a domain controller"
	case errors.As(err, &dnsErr):
		return "the name does not resolve: check it, or give --dns-server the AD DNS server"
	case kind == netfail.Unreachable:
		return "no route to the DC: check the address, the VPN, and that a firewall lets LDAP through (389, 636)"
	case kind == netfail.Reset:
		return "the DC closed the connection: if it requires LDAPS, use ldaps://HOST:636"
	case kind == netfail.Closed:
		return "the DC closed the connection in the middle of an answer: run exdiag again, or ask another DC with --ldap-url"
	}
	return ""
}

// ldapTimedOut is how go-ldap reports a request that got no answer within
// Conn.SetTimeout (go-ldap v3 conn.go). It carries no error value, only
// this text, which is the library's own and the same in every language.
const ldapTimedOut = "ldap: connection timed out"

// ldapClientFailure reports whether err is go-ldap's own failure with text.
func ldapClientFailure(err error, text string) bool {
	var le *ldap.Error
	return errors.As(err, &le) && le.ResultCode == ldap.ErrorNetwork && le.Err != nil && le.Err.Error() == text
}
