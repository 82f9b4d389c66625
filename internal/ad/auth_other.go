//go:build !windows

package ad

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/go-ldap/ldap/v3/gssapi"
)

// kerberosClient builds a gokrb5 client: from the user's credential cache,
// or, with a User and a password, by asking the KDC for a ticket.
func kerberosClient(o ConnectOptions, s *session) (ldap.GSSAPIClient, func(), error) {
	conf := krb5Config()
	if o.User != "" && o.Password != "" {
		user, realm := o.User, strings.ToUpper(o.Domain)
		if d, u, ok := splitUser(o.User); ok && d != "" {
			user = u
			if realm == "" {
				realm = strings.ToUpper(d)
			}
		} else if i := strings.LastIndexByte(o.User, '@'); i > 0 {
			user, realm = o.User[:i], strings.ToUpper(o.User[i+1:])
		}
		c, err := gssapi.NewClientWithPassword(user, realm, o.Password, conf)
		if err != nil {
			return nil, nil, fmt.Errorf("kerberos login for %s@%s: %w", user, realm, err)
		}
		return c, func() { c.Close() }, nil
	}
	cc, err := ccachePath()
	if err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(cc); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("kerberos ticket cache %s: %w", cc, errNoTicket)
	}
	c, err := gssapi.NewClientFromCCache(cc, conf)
	if err != nil {
		return nil, nil, fmt.Errorf("kerberos ticket cache %s: %w", cc, err)
	}
	return c, func() { c.Close() }, nil
}

// ccachePath follows KRB5CCNAME. gokrb5 reads only file caches, so KCM: and
// KEYRING: caches (sssd's defaults) need KRB5CCNAME=FILE:… and kinit.
func ccachePath() (string, error) {
	cc := os.Getenv("KRB5CCNAME")
	switch {
	case cc == "":
		return filepath.Join(os.TempDir(), fmt.Sprintf("krb5cc_%d", os.Getuid())), nil
	case strings.HasPrefix(cc, "FILE:"):
		return strings.TrimPrefix(cc, "FILE:"), nil
	case strings.Contains(cc, ":") && !strings.HasPrefix(cc, "/"):
		return "", fmt.Errorf("KRB5CCNAME=%s is not a file cache, which is all exdiag can read: run KRB5CCNAME=FILE:/tmp/krb5cc_exdiag kinit", cc)
	}
	return cc, nil
}

// kerberosCheckHint is the hint for a Kerberos failure without a better one.
const kerberosCheckHint = "check the Kerberos ticket (klist) and krb5.conf (KRB5_CONFIG)"

// sspiHint: only Windows has SSPI.
func sspiHint(error) string { return "" }

// krb5Config follows KRB5_CONFIG (first existing file of the list).
func krb5Config() string {
	for _, p := range filepath.SplitList(os.Getenv("KRB5_CONFIG")) {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "/etc/krb5.conf"
}
