package ad

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// Auth selects how Read binds to the directory.
type Auth string

// Bind methods.
const (
	// AuthNegotiate uses the logged-on user's Kerberos ticket (SSPI on
	// Windows, the credential cache elsewhere); with a User it binds with
	// that user's password over TLS instead.
	AuthNegotiate Auth = "negotiate"
	AuthKerberos  Auth = "kerberos"
	AuthNTLM      Auth = "ntlm"
	AuthSimple    Auth = "simple"
	AuthAnonymous Auth = "anonymous"
)

// ParseAuth reads an --auth value.
func ParseAuth(s string) (Auth, error) {
	switch a := Auth(strings.ToLower(s)); a {
	case AuthNegotiate, AuthKerberos, AuthNTLM, AuthSimple, AuthAnonymous:
		return a, nil
	}
	return "", fmt.Errorf("unknown --auth %q (want negotiate, kerberos, ntlm, simple or anonymous)", s)
}

// bind authenticates the session as o asks.
func bind(s *session, o ConnectOptions) error {
	who := o.User
	if who == "" {
		who = "the logged-on user"
	}
	op := fmt.Sprintf("bind to %s as %s", s.target.addr(), who)
	switch o.auth() {
	case AuthAnonymous:
		return nil
	case AuthSimple:
		return simpleBind(s, o, op)
	case AuthNTLM:
		return ntlmBind(s, o, op)
	case AuthKerberos:
		return kerberosBind(s, o, op)
	case AuthNegotiate:
		if o.User != "" {
			return simpleBind(s, o, op)
		}
		err := kerberosBind(s, o, op)
		var e *Error
		if errors.As(err, &e) {
			e.Hint += "; or bind with a password: --user DOMAIN\\user"
		}
		return err
	}
	_, err := ParseAuth(string(o.Auth))
	return &Error{Op: op, Err: err}
}

// refuseClearText stops binds that would expose a password to the network.
func refuseClearText(s *session, o ConnectOptions, op string) error {
	if s.tls || o.AllowInsecureBind {
		return nil
	}
	return &Error{Op: op, Err: errClearTextBind,
		Hint: "use StartTLS (the default for ldap://) or ldaps://; Kerberos (--auth negotiate without --user) sends no password"}
}

func simpleBind(s *session, o ConnectOptions, op string) error {
	if err := refuseClearText(s, o, op); err != nil {
		return err
	}
	if o.User == "" {
		return &Error{Op: op, Err: errNoUser, Hint: "give --user DOMAIN\\user, user@domain or a DN"}
	}
	pw, err := password(o, op)
	if err != nil {
		return err
	}
	if err := s.conn.Bind(o.User, pw); err != nil {
		return s.explain(failure(op, err, ldapHint))
	}
	return nil
}

// ntlmBind uses Microsoft's NTLM bind ("sicily"). A DN is not an NTLM name.
func ntlmBind(s *session, o ConnectOptions, op string) error {
	if err := refuseClearText(s, o, op); err != nil {
		return err
	}
	domain, user, ok := splitUser(o.User)
	if !ok {
		return &Error{Op: op, Err: errNoUser, Hint: "NTLM needs --user DOMAIN\\user or user@domain"}
	}
	pw, err := password(o, op)
	if err != nil {
		return err
	}
	// go-ntlmssp puts the domain into the AUTHENTICATE_MESSAGE only when
	// the user name carries it (DOMAIN\user); the DC verifies the response
	// with that domain, and an empty one means the DC's own.
	if domain != "" {
		user = o.User
	}
	if err := s.conn.NTLMBind(domain, user, pw); err != nil {
		return s.explain(failure(op, err, ldapHint))
	}
	return nil
}

func kerberosBind(s *session, o ConnectOptions, op string) error {
	if net.ParseIP(s.target.host) != nil {
		return &Error{Op: op, Err: fmt.Errorf("kerberos needs the DC's host name, not the address %s", s.target.host),
			Hint: "give the DC's FQDN in --ldap-url (the ticket is for ldap/<fqdn>)"}
	}
	client, done, err := kerberosClient(o, s)
	if err != nil {
		return &Error{Op: op, Err: err, Hint: kerberosHint(err)}
	}
	defer done()
	if err := s.conn.GSSAPIBind(client, "ldap/"+s.target.host, ""); err != nil {
		return s.explain(failure(op, err, func(err error) string {
			if h := ldapHint(err); h != "" {
				return h
			}
			return kerberosHint(err)
		}))
	}
	return nil
}

// kerberosHint explains the usual Kerberos failures: by value where there
// is one (SSPI statuses, a missing ticket cache), else by the protocol's
// own error names, which gokrb5 keeps only in its text.
func kerberosHint(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, errNoTicket):
		return "no Kerberos ticket: run kinit user@REALM (or set KRB5CCNAME=FILE:/path)"
	case sspiHint(err) != "":
		return sspiHint(err)
	case strings.Contains(msg, "KDC_ERR_S_PRINCIPAL_UNKNOWN"):
		return "the DC has no ldap/ service principal for that name: use the DC's FQDN as registered in AD"
	case strings.Contains(msg, "expired") || strings.Contains(msg, "TKT_EXPIRED"):
		return "the Kerberos ticket has expired: run kinit again"
	}
	return kerberosCheckHint
}

// password returns o.Password, or asks for it.
func password(o ConnectOptions, op string) (string, error) {
	pw := o.Password
	if pw == "" && o.PasswordPrompt != nil {
		var err error
		if pw, err = o.PasswordPrompt(fmt.Sprintf("Password for %s: ", o.User)); err != nil {
			return "", &Error{Op: op, Err: fmt.Errorf("read password: %w", err)}
		}
	}
	if pw == "" {
		// AD takes a name with an empty password for an anonymous bind and
		// says "success", so an empty password is never sent.
		return "", &Error{Op: op, Err: errNoPassword,
			Hint: "type it at the prompt on a terminal, pipe it with --password-stdin, or set EXDIAG_PASSWORD"}
	}
	return pw, nil
}

// splitUser splits DOMAIN\user; user@domain stays whole, as NTLM and SSPI
// accept a UPN with an empty domain. A DN does not split.
func splitUser(u string) (domain, user string, ok bool) {
	if i := strings.IndexByte(u, '\\'); i > 0 && i < len(u)-1 {
		return u[:i], u[i+1:], true
	}
	if strings.Contains(u, "@") && !strings.Contains(u, "=") {
		return "", u, true
	}
	return "", "", false
}
