package lab

import (
	"fmt"
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// Diagnostic messages as AD (and Samba, for the TLS one) word them.
const (
	msgInvalidCredentials = "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563"
	msgBindRequired       = "000004DC: LdapErr: DSID-0C090A5C, comment: In order to perform this operation a successful bind must be completed on the connection., data 0, v4563"
	msgTLSRequired        = "BindSimple: Transport encryption required."
	msgNoTLS              = "00000000: LdapErr: DSID-0C091209, comment: Error initializing SSL/TLS, data 0, v4563"
	msgReadOnly           = "the lab directory is read-only: exdiag must never write"
	msgNotSupported       = "not supported by the lab"
)

// The authentication choices of a BindRequest the lab knows: simple [0],
// SASL [3] (refused: the lab has no Kerberos), and Microsoft's NTLM bind,
// "sicily" ([MS-ADTS] 5.1.1.1.3): sicilyPackageDiscovery [9],
// sicilyNegotiate [10], sicilyResponse [11].
const (
	authSimple          = 0
	authSASL            = 3
	authSicilyDiscovery = 9
	authSicilyNegotiate = 10
	authSicilyResponse  = 11
)

// bind answers BindRequest ::= [APPLICATION 0] SEQUENCE { version
// INTEGER, name LDAPDN, authentication AuthenticationChoice }. Whatever
// its outcome, the connection is anonymous until a bind succeeds (RFC
// 4511 4.2.1).
func (c *ldapConn) bind(req *ldapRequest) error {
	op := req.op
	if op.TagType != ber.TypeConstructed || len(op.Children) != 3 {
		return errMalformedOp(op)
	}
	_, okVersion := integer(op.Children[0], ber.TagInteger)
	name, okName := octets(op.Children[1])
	auth := op.Children[2]
	if !okVersion || !okName || auth.ClassType != ber.ClassContext {
		return errMalformedOp(op)
	}
	c.bound = false
	if auth.Tag < authSicilyDiscovery || auth.Tag > authSicilyResponse {
		c.challenge = nil // an NTLM bind in progress ends
	}
	switch auth.Tag {
	case authSimple:
		if auth.TagType != ber.TypePrimitive {
			return errMalformedOp(op)
		}
		return c.simpleBind(req.id, name, auth.Data.String())
	case authSicilyDiscovery, authSicilyNegotiate, authSicilyResponse:
		if c.srv.ntlm != nil && auth.TagType == ber.TypePrimitive {
			return c.sicily(req.id, auth.Tag, auth.Data.Bytes())
		}
	}
	return c.send(req.id, ldapResult(applicationBindResponse, ldap.LDAPResultAuthMethodNotSupported, "", ""))
}

// simpleBind checks a name and password as AD does, with the rules of the
// lab's spec.
func (c *ldapConn) simpleBind(id int64, name, pw string) error {
	spec := c.srv.spec
	code, diagnostic := ldap.LDAPResultInvalidCredentials, msgInvalidCredentials
	switch {
	case pw == "":
		// AD takes a name with an empty password for an anonymous bind.
		code, diagnostic = ldap.LDAPResultSuccess, ""
	case spec.RequireTLSForBind && !c.tls:
		code, diagnostic = ldap.LDAPResultStrongAuthRequired, msgTLSRequired
	case c.srv.checkPassword(name, pw):
		code, diagnostic = ldap.LDAPResultSuccess, ""
		c.bound = true
		c.srv.bound(name)
	case spec.EchoPassword:
		diagnostic = fmt.Sprintf("bind refused for %s with password %s (%q)", name, pw, pw)
	}
	return c.send(id, ldapResult(applicationBindResponse, code, "", diagnostic))
}

func (s *LDAPServer) checkPassword(user, pw string) bool {
	for name, want := range s.spec.Users {
		if strings.EqualFold(name, user) && want == pw {
			return true
		}
	}
	return false
}

// sicily answers the three steps of Microsoft's NTLM bind ([MS-ADTS]
// 5.1.1.1.3), as go-ldap's NTLMBind and Windows' ldap_bind with
// LDAP_AUTH_NTLM send them: the packages (sicilyPackageDiscovery), then a
// CHALLENGE_MESSAGE for the client's NEGOTIATE_MESSAGE (sicilyNegotiate),
// both carried in the BindResponse's matchedDN, then the check of its
// AUTHENTICATE_MESSAGE (sicilyResponse). A good logon binds the
// connection as the account under the rules of a simple bind: without TLS
// a DC that requires it refuses.
func (c *ldapConn) sicily(id int64, step ber.Tag, token []byte) error {
	reply := func(code int, matchedDN, diagnostic string) error {
		return c.send(id, ldapResult(applicationBindResponse, code, matchedDN, diagnostic))
	}
	switch step {
	case authSicilyDiscovery:
		return reply(ldap.LDAPResultSuccess, "NTLM", "")
	case authSicilyNegotiate:
		msg, ch, err := c.srv.ntlm.challenge(token)
		if err != nil {
			c.challenge = nil
			return reply(ldap.LDAPResultProtocolError, "", err.Error())
		}
		c.challenge = &ch
		return reply(ldap.LDAPResultSuccess, string(msg), "")
	}
	ch := c.challenge
	c.challenge = nil
	if ch == nil {
		return reply(ldap.LDAPResultProtocolError, "", "sicilyResponse without sicilyNegotiate")
	}
	account, err := c.srv.ntlm.authenticate(*ch, token)
	switch {
	case err != nil:
		return reply(ldap.LDAPResultInvalidCredentials, "", msgInvalidCredentials)
	case c.srv.spec.RequireTLSForBind && !c.tls:
		return reply(ldap.LDAPResultStrongAuthRequired, "", msgTLSRequired)
	}
	c.bound = true
	c.srv.bound(account)
	return reply(ldap.LDAPResultSuccess, "", "")
}

// ntlmFor makes the NTLM server of a lab DC: its names from the DC's host
// name and the DOMAIN\user names of its users, the passwords from Users.
func ntlmFor(spec LDAPSpec) *ntlmServer {
	host, dnsDomain, _ := strings.Cut(spec.DNSHostName, ".")
	domain := ""
	for name := range spec.Users {
		if d, _, ok := strings.Cut(name, `\`); ok {
			domain = strings.ToUpper(d)
			break
		}
	}
	return &ntlmServer{Domain: domain, DNSDomain: dnsDomain, Computer: strings.ToUpper(host), DNSComputer: spec.DNSHostName,
		Password: func(d, user string) (string, string, bool) {
			want := d + `\` + user
			switch {
			case d == "" && strings.Contains(user, "@"):
				want = user // a UPN
			case d == "":
				want = domain + `\` + user // the DC's own domain
			}
			for name, pw := range spec.Users {
				if strings.EqualFold(name, want) {
					return name, pw, true
				}
			}
			return "", "", false
		}}
}
