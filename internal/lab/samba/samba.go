// Package samba runs a real Active Directory domain controller (Samba AD DC)
// on loopback for tests: provisioned as contoso.local into a temporary
// directory, extended with a small Exchange schema, and loaded with the same
// scenario entries as the in-process lab.
//
// It needs root, Linux and the Debian packages samba-ad-dc, samba,
// samba-ad-provision and krb5-user; Require skips a test when they are
// missing, or fails it when EXDIAG_REQUIRE_SAMBA=1. RunIsolated gives the
// tests and the DC a network namespace of their own.
package samba

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/exdiag/exdiag/internal/ad"
)

// The forest every DC is provisioned as, so that the scenario LDIFs
// (DC=contoso,DC=local) load unchanged.
const (
	Realm    = "CONTOSO.LOCAL"
	Domain   = "CONTOSO"
	Host     = "dc01.contoso.local"
	BaseDN   = "DC=contoso,DC=local"
	ConfigNC = "CN=Configuration," + BaseDN
	// Admin is the Administrator's user principal name.
	Admin = "Administrator@contoso.local"
	// DefaultPassword is the Administrator's password unless Options says otherwise.
	DefaultPassword = "Exdiag-Lab-Pw1!"
)

// Options change how Start sets up the DC.
type Options struct {
	// AdminPassword is the Administrator's password; empty means DefaultPassword.
	AdminPassword string
	// Schema is the schema LDIF loaded after the start; empty means
	// testdata/samba/exchange-schema.ldif of this module.
	Schema string
	// StartTimeout bounds provisioning, start and schema load; zero means 90 s.
	StartTimeout time.Duration
	// KeepDir leaves the DC's directory in place after Stop, for debugging.
	KeepDir bool
	// Cert (with its chain and key) and CAPEM, the CA that issued it,
	// replace the DC's LDAPS certificate, e.g. with the lab PKI's DC
	// certificate so that the lab's --ca-file trusts the DC too. It must
	// name Host and 127.0.0.1. Nil means a CA made for this DC.
	Cert  *tls.Certificate
	CAPEM []byte
}

// DC is a running Samba AD domain controller on 127.0.0.1.
type DC struct {
	// Dir holds the provisioned DC, its configuration and its log.
	Dir string
	// LDAPURL and LDAPSURL reach the DC by address. Its certificate names
	// 127.0.0.1 as well as Host; Kerberos needs Host (see Dialer).
	LDAPURL, LDAPSURL string
	// CAPEM is the certificate of the CA that issued the DC's LDAPS
	// certificate, and CAFile a file that holds it.
	CAPEM  []byte
	CAFile string
	// AdminPassword is the password of Admin.
	AdminPassword string
	// Krb5Conf is a krb5.conf for the realm (kdc 127.0.0.1:88, no DNS
	// lookups): point KRB5_CONFIG at it.
	Krb5Conf string

	keepDir bool
	proc    *process
	log     string   // kept by Stop, once Dir is gone
	added   []string // DNs Load added, in order
}

// Start provisions a DC in a new temporary directory, starts it, and loads
// the Exchange schema. A failed start returns the DC's log in the error.
func Start(ctx context.Context, o Options) (*DC, error) {
	if p := problem(); p != "" {
		return nil, errors.New("samba tier: " + p)
	}
	if o.AdminPassword == "" {
		o.AdminPassword = DefaultPassword
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 90 * time.Second
	}
	schema, err := schemaFile(o.Schema)
	if err != nil {
		return nil, err
	}
	if err := portsFree(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "exdiag-samba-")
	if err != nil {
		return nil, err
	}
	d := &DC{Dir: dir, AdminPassword: o.AdminPassword, keepDir: o.KeepDir,
		LDAPURL: "ldap://127.0.0.1:389", LDAPSURL: "ldaps://127.0.0.1:636"}
	ctx, cancel := context.WithTimeout(ctx, o.StartTimeout)
	defer cancel()
	if err := d.start(ctx, o, schema); err != nil {
		log := d.Log()
		d.Stop()
		return nil, fmt.Errorf("samba tier: start the DC: %w\n--- DC log (%s) ---\n%s", err, dir, tail(log, 80))
	}
	return d, nil
}

func (d *DC) start(ctx context.Context, o Options, schema string) error {
	if err := provision(ctx, d.Dir, d.AdminPassword); err != nil {
		return err
	}
	if err := d.configure(o); err != nil {
		return err
	}
	p, err := startProcess(d.Dir)
	if err != nil {
		return err
	}
	d.proc = p
	if err := d.waitReady(ctx); err != nil {
		return err
	}
	c, err := d.adminConn()
	if err != nil {
		return err
	}
	defer c.Close()
	if err := addLDAPSPN(c); err != nil {
		return err
	}
	return applySchema(c, schema)
}

// Stop ends the DC by its process id (SIGTERM, then SIGKILL after 10 s)
// and removes its directory. It is safe to call more than once.
func (d *DC) Stop() error {
	var err error
	if d.proc != nil {
		err = d.proc.stop(10 * time.Second)
		d.proc = nil
	}
	if d.Dir != "" {
		d.log = d.Log()
		if !d.keepDir {
			if rerr := os.RemoveAll(d.Dir); err == nil {
				err = rerr
			}
		}
		d.Dir = ""
	}
	return err
}

// Log returns what the DC has logged so far (after Stop, what it logged).
func (d *DC) Log() string {
	if d.Dir == "" {
		return d.log
	}
	var b strings.Builder
	for _, name := range []string{"provision.log", "samba.log"} {
		if data, err := os.ReadFile(filepath.Join(d.Dir, name)); err == nil {
			fmt.Fprintf(&b, "== %s\n%s", name, data)
		}
	}
	return b.String()
}

// Roots returns a pool holding the CA of the DC's certificate.
func (d *DC) Roots() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(d.CAPEM)
	return pool
}

// Dialer reaches Host on 127.0.0.1, so that a test can connect to
// ldaps://dc01.contoso.local without DNS. Other names dial as usual.
func (d *DC) Dialer() ad.Dialer { return loopbackDialer{} }

// ConnectOptions binds as Administrator with a simple bind over LDAPS.
func (d *DC) ConnectOptions() ad.ConnectOptions {
	return ad.ConnectOptions{URL: d.LDAPSURL, Auth: ad.AuthSimple, User: Admin, Password: d.AdminPassword,
		Roots: d.Roots(), Timeout: 10 * time.Second}
}

type loopbackDialer struct{}

func (loopbackDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, port, err := net.SplitHostPort(addr); err == nil && strings.EqualFold(host, Host) {
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

// portsFree fails early, and clearly, when another server holds a port the
// DC needs on loopback.
func portsFree() error {
	for _, port := range []string{"88", "389", "464", "636", "3268", "3269"} {
		l, err := net.Listen("tcp", "127.0.0.1:"+port)
		if err != nil {
			return fmt.Errorf("samba tier: port %s on 127.0.0.1 is taken (another DC or LDAP server?): %w", port, err)
		}
		l.Close()
	}
	return nil
}

func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(all) > lines {
		all = append([]string{fmt.Sprintf("(%d earlier lines left out)", len(all)-lines)}, all[len(all)-lines:]...)
	}
	return strings.Join(all, "\n")
}
