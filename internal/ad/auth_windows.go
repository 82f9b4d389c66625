//go:build windows

package ad

import (
	"fmt"

	"github.com/go-ldap/ldap/v3"
	"github.com/go-ldap/ldap/v3/gssapi"
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
