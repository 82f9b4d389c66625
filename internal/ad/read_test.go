package ad_test

// End-to-end tests: ad.Read against the lab's LDAP (and DNS) servers over
// loopback sockets. They live in package ad_test because the lab may import
// ad, which an in-package test importing the lab would turn into a cycle.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/lab"
)

const (
	configNC = "CN=Configuration,DC=contoso,DC=local"
	dcName   = "dc01.contoso.local"
	secret   = "S3cret-pw!"
)

func contosoEntries(t *testing.T) []ad.Entry {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "ldif", "contoso.ldif"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := ad.ReadLDIF(f)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// dc is a running lab domain controller for contoso.local.
type dc struct {
	srv   *lab.LDAPServer
	roots *x509.CertPool
	// dialer maps the DC's name (and others a test adds) to loopback.
	dialer mapDialer
}

func startDC(t *testing.T, entries []ad.Entry, mod func(*lab.LDAPSpec)) *dc {
	t.Helper()
	now := time.Now()
	ca, err := lab.NewRootCA("Contoso Root CA", now.Add(-time.Hour), now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(lab.LeafSpec{CommonName: dcName, DNSNames: []string{dcName, "DC01"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	spec := lab.LDAPSpec{
		Entries:     lab.EntriesFromAD(entries),
		ConfigNC:    configNC,
		DNSHostName: dcName,
		Users: map[string]string{
			`CONTOSO\helpdesk`:                         secret,
			"helpdesk@contoso.local":                   secret,
			"CN=helpdesk,CN=Users,DC=contoso,DC=local": secret,
		},
		TLS: &tls.Config{Certificates: []tls.Certificate{cert}},
	}
	if mod != nil {
		mod(&spec)
	}
	srv, err := lab.StartLDAP(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		if v := srv.Violations(); len(v) > 0 {
			t.Errorf("exdiag wrote to the directory: %q", v)
		}
	})
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	d := &dc{srv: srv, roots: roots, dialer: mapDialer{dcName + ":389": srv.Addr()}}
	if a := srv.LDAPSAddr(); a != "" {
		d.dialer[dcName+":636"] = a
	}
	return d
}

// opts connects with StartTLS and a simple bind as CONTOSO\helpdesk.
func (d *dc) opts() ad.ConnectOptions {
	return ad.ConnectOptions{
		URL: "ldap://" + dcName, Auth: ad.AuthSimple, User: `CONTOSO\helpdesk`, Password: secret,
		Roots: d.roots, Timeout: 5 * time.Second, Dialer: d.dialer,
	}
}

// mapDialer sends host:port to the loopback address a test chose.
type mapDialer map[string]string

func (m mapDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if to, ok := m[addr]; ok {
		addr = to
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// ldifOrg is what FromEntries makes of the same entries from a file.
func ldifOrg(t *testing.T, entries []ad.Entry, f ad.Filter) *inventory.Org {
	t.Helper()
	org, err := ad.FromEntries(entries, inventory.OriginLDIF, f)
	if err != nil {
		t.Fatal(err)
	}
	for i := range org.Endpoints {
		org.Endpoints[i].Source.Origin = inventory.OriginLDAP
	}
	for i := range org.Notes {
		org.Notes[i].Source.Origin = inventory.OriginLDAP
	}
	return org
}

func TestReadMatchesLDIF(t *testing.T) {
	entries := contosoEntries(t)
	d := startDC(t, entries, nil)
	for _, tc := range []struct {
		name string
		mod  func(*ad.ConnectOptions)
	}{
		{"starttls simple DOMAIN\\user", nil},
		{"ldaps simple UPN", func(o *ad.ConnectOptions) { o.URL, o.User = "ldaps://"+dcName, "helpdesk@CONTOSO.local" }},
		{"starttls simple DN", func(o *ad.ConnectOptions) { o.User = "CN=helpdesk,CN=Users,DC=contoso,DC=local" }},
		{"password from the prompt", func(o *ad.ConnectOptions) {
			o.Password = ""
			o.PasswordPrompt = func(string) (string, error) { return secret, nil }
		}},
		{"negotiate with a user binds with the password", func(o *ad.ConnectOptions) { o.Auth = ad.AuthNegotiate }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := d.opts()
			if tc.mod != nil {
				tc.mod(&o)
			}
			org, st, err := ad.Read(context.Background(), o, ad.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if want := ldifOrg(t, entries, ad.Filter{}); !reflect.DeepEqual(org, want) {
				t.Errorf("LDAP and LDIF inventories differ:\n ldap %+v\n ldif %+v", org, want)
			}
			if st.Searches != 8 || st.DC == "" || st.Entries == 0 {
				t.Errorf("stats %+v: want 8 searches", st)
			}
		})
	}
}

func TestReadAnonymous(t *testing.T) {
	entries := contosoEntries(t)
	open := startDC(t, entries, func(s *lab.LDAPSpec) { s.AllowAnonymous = true })
	o := open.opts()
	o.Auth, o.User, o.Password = ad.AuthAnonymous, "", ""
	org, _, err := ad.Read(context.Background(), o, ad.Filter{})
	if err != nil || len(org.Endpoints) == 0 {
		t.Fatalf("anonymous read of an open directory: %v", err)
	}

	closed := startDC(t, entries, nil)
	o.Dialer = closed.dialer
	o.Roots = closed.roots
	_, _, err = ad.Read(context.Background(), o, ad.Filter{})
	wantError(t, err, "successful bind must be completed", "bind as a domain user")
}

func TestReadFiltersServersAndScopes(t *testing.T) {
	entries := contosoEntries(t)
	d := startDC(t, entries, nil)
	f := ad.Filter{Servers: []string{"ex16", "EX07"}, NoExternal: true}
	org, _, err := ad.Read(context.Background(), d.opts(), f)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(org, ldifOrg(t, entries, f)) {
		t.Error("filtered LDAP and LDIF inventories differ")
	}
	for _, e := range org.Endpoints {
		if e.Source.Scope == inventory.ScopeExternal || (e.Source.Server != "EX16" && e.Source.Server != "EX07") {
			t.Errorf("endpoint %s (%s, %s) should be filtered out", e.URL, e.Source.Server, e.Source.Scope)
		}
	}
	_, _, err = ad.Read(context.Background(), d.opts(), ad.Filter{Servers: []string{"EX99"}})
	wantError(t, err, `no Exchange server named "EX99"`, "EX01, EX02, EX07, EX16")
}

// wantError checks an *ad.Error's text and hint, and that the password
// appears in neither.
func wantError(t *testing.T, err error, inErr, inHint string) *ad.Error {
	t.Helper()
	var e *ad.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *ad.Error", err, err)
	}
	if !strings.Contains(e.Error(), inErr) || !strings.Contains(e.Hint, inHint) {
		t.Errorf("error %q, hint %q: want %q in the error and %q in the hint", e.Error(), e.Hint, inErr, inHint)
	}
	if strings.Contains(e.Error()+e.Hint+fmt.Sprintf("%v %+v", e, e), secret) {
		t.Errorf("the error reveals the password: %q", e.Error())
	}
	return e
}
