package samba

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// readyWait bounds the wait for a started DC to answer.
const readyWait = 60 * time.Second

// waitReady polls until the DC answers an anonymous RootDSE read over LDAPS
// and its KDC accepts connections.
func (d *DC) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyWait)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		if err := d.proc.alive(); err != nil {
			return err
		}
		if last = d.answers(); last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the DC did not answer within %s: %v", readyWait, last)
		case <-tick.C:
		}
	}
}

func (d *DC) answers() error {
	c, err := d.dial()
	if err != nil {
		return err
	}
	defer c.Close()
	req := ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 5, false,
		"(objectClass=*)", []string{"configurationNamingContext"}, nil)
	if _, err := c.Search(req); err != nil {
		return err
	}
	k, err := net.DialTimeout("tcp", "127.0.0.1:88", time.Second)
	if err != nil {
		return err
	}
	return k.Close()
}

func (d *DC) dial() (*ldap.Conn, error) {
	c, err := ldap.DialURL(d.LDAPSURL,
		ldap.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}),
		ldap.DialWithTLSConfig(&tls.Config{RootCAs: d.Roots(), ServerName: Host}))
	if err != nil {
		return nil, err
	}
	c.SetTimeout(30 * time.Second)
	return c, nil
}

// adminConn is an LDAPS connection bound as Administrator.
func (d *DC) adminConn() (*ldap.Conn, error) {
	c, err := d.dial()
	if err != nil {
		return nil, err
	}
	if err := c.Bind(Admin, d.AdminPassword); err != nil {
		c.Close()
		return nil, fmt.Errorf("bind as %s: %w", Admin, err)
	}
	return c, nil
}

// addLDAPSPN registers ldap/dc01.contoso.local, which Kerberos binds ask a
// ticket for: a provisioned Samba DC has only HOST/ SPNs, and the service
// that would add the others (dnsupdate) does not run here.
func addLDAPSPN(c *ldap.Conn) error {
	req := ldap.NewModifyRequest("CN=DC01,OU=Domain Controllers,"+BaseDN, nil)
	req.Add("servicePrincipalName", []string{"ldap/" + Host, "ldap/DC01"})
	if err := c.Modify(req); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultAttributeOrValueExists) {
		return fmt.Errorf("add the ldap/%s SPN: %w", Host, err)
	}
	return nil
}
