package samba_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/lab/samba"
	"github.com/go-ldap/ldap/v3"
	"github.com/google/go-cmp/cmp"
)

// One DC serves every test of the package; TestMain stops it. The tests
// run in a network namespace of their own (samba.RunIsolated).
var shared struct {
	once    sync.Once
	dc      *samba.DC
	err     error
	entries []ad.Entry
}

func TestMain(m *testing.M) {
	os.Exit(samba.RunIsolated(func() int {
		code := m.Run()
		if shared.dc != nil {
			if err := shared.dc.Stop(); err != nil {
				fmt.Fprintln(os.Stderr, "samba tier: stop the DC:", err)
				code = max(code, 1)
			}
		}
		return code
	}))
}

// contoso returns the DC loaded with testdata/ldif/contoso.ldif, started by
// the first test that asks, and the scenario's entries.
func contoso(t *testing.T) (*samba.DC, []ad.Entry) {
	t.Helper()
	samba.Require(t)
	first := false
	shared.once.Do(func() {
		first = true
		shared.dc, shared.entries, shared.err = startContoso(t)
	})
	switch {
	case shared.err != nil && first:
		t.Fatal(shared.err)
	case shared.err != nil:
		t.Fatal("samba tier: the DC did not start (see the first failing test)")
	}
	return shared.dc, shared.entries
}

func startContoso(t *testing.T) (*samba.DC, []ad.Entry, error) {
	f, err := os.Open(filepath.Join("..", "..", "..", "testdata", "ldif", "contoso.ldif"))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	entries, err := ad.ReadLDIF(f)
	if err != nil {
		return nil, nil, err
	}
	start := time.Now()
	dc, err := samba.Start(context.Background(), samba.Options{})
	if err != nil {
		return nil, nil, err
	}
	started := time.Since(start)
	st, err := dc.Load(entries)
	if err != nil {
		return dc, nil, fmt.Errorf("samba tier: load contoso.ldif: %w\n--- DC log ---\n%s", err, dc.Log())
	}
	t.Logf("samba DC started in %s; %d entries added (%d were there) in %s",
		started.Round(time.Millisecond), st.Added, st.Existed, (time.Since(start) - started).Round(time.Millisecond))
	return dc, entries, nil
}

// fromLDIF is the inventory the in-process path makes of the same entries.
// Origin is the only field that must differ, so it is aligned. Nothing
// else needs normalising: Samba returns DNs as they were added, attribute
// names in the schema's spelling (which ad compares case-insensitively) and
// multi-valued attributes in the order given.
func fromLDIF(t *testing.T, entries []ad.Entry) *inventory.Org {
	t.Helper()
	org, err := ad.FromEntries(entries, inventory.OriginLDIF, ad.Filter{})
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

// readSame reads the DC and compares with the LDIF's inventory.
func readSame(t *testing.T, o ad.ConnectOptions, entries []ad.Entry) {
	t.Helper()
	org, st, err := ad.Read(context.Background(), o, ad.Filter{})
	if err != nil {
		var e *ad.Error
		if errors.As(err, &e) {
			t.Fatalf("%v\nhint: %s", err, e.Hint)
		}
		t.Fatal(err)
	}
	want := fromLDIF(t, entries)
	if len(want.Servers) == 0 || len(want.Endpoints) == 0 || len(want.Providers) == 0 || len(want.AcceptedDomains) == 0 {
		t.Fatalf("the scenario has too little to compare: %d servers, %d endpoints", len(want.Servers), len(want.Endpoints))
	}
	if diff := cmp.Diff(want, org); diff != "" {
		t.Errorf("Samba and LDIF inventories differ (-ldif +samba):\n%s", diff)
	}
	if st.Searches != 8 || st.Entries == 0 {
		t.Errorf("stats %+v: want 8 searches", st)
	}
}

func TestSimpleBind(t *testing.T) {
	dc, entries := contoso(t)
	t.Run("ldaps UPN", func(t *testing.T) { readSame(t, dc.ConnectOptions(), entries) })
	t.Run("starttls DOMAIN\\user", func(t *testing.T) {
		o := dc.ConnectOptions()
		o.URL, o.User = dc.LDAPURL, samba.Domain+`\Administrator`
		readSame(t, o, entries)
	})
}

// TestKerberos binds with GSSAPI over LDAPS, which needs the DC's host
// name (the ticket is for ldap/dc01.contoso.local) and a krb5.conf.
func TestKerberos(t *testing.T) {
	dc, entries := contoso(t)
	t.Setenv("KRB5_CONFIG", dc.Krb5Conf)
	o := dc.ConnectOptions()
	o.URL, o.Dialer = "ldaps://"+samba.Host, dc.Dialer()

	t.Run("password", func(t *testing.T) {
		o := o
		o.Auth = ad.AuthKerberos
		readSame(t, o, entries)
	})
	t.Run("ccache from kinit", func(t *testing.T) {
		kinit(t, dc)
		o := o
		o.Auth, o.User, o.Password = ad.AuthNegotiate, "", ""
		readSame(t, o, entries)
	})
}

// TestClearTextBindRefused sends a password over plain LDAP, which the DC
// refuses (strong auth required), as AD with LDAP signing required does.
func TestClearTextBindRefused(t *testing.T) {
	dc, _ := contoso(t)
	o := dc.ConnectOptions()
	o.URL, o.NoStartTLS = dc.LDAPURL, true

	_, _, err := ad.Read(context.Background(), o, ad.Filter{})
	wantHint(t, err, "refusing to send a password", "ldaps://")

	o.AllowInsecureBind = true
	_, _, err = ad.Read(context.Background(), o, ad.Filter{})
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultStrongAuthRequired) {
		t.Errorf("error %v: want LDAP result 8 (strong auth required)", err)
	}
	wantHint(t, err, "bind to 127.0.0.1:389", "the DC requires an encrypted connection")
	wantHint(t, err, "", "StartTLS")
}

func wantHint(t *testing.T, err error, inErr, inHint string) {
	t.Helper()
	var e *ad.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T): want *ad.Error", err, err)
	}
	if !strings.Contains(e.Error(), inErr) || !strings.Contains(e.Hint, inHint) {
		t.Errorf("error %q, hint %q: want %q in the error and %q in the hint", e.Error(), e.Hint, inErr, inHint)
	}
	if strings.Contains(e.Error()+e.Hint, samba.DefaultPassword) {
		t.Error("the error reveals the password")
	}
}

// TestReadOnly reads with every bind and checks that no object changed:
// nothing has a uSNChanged above the RootDSE's highestCommittedUSN from
// before the reads.
func TestReadOnly(t *testing.T) {
	dc, _ := contoso(t)
	t.Setenv("KRB5_CONFIG", dc.Krb5Conf)
	before := highestUSN(t, dc)
	for _, mod := range []func(*ad.ConnectOptions){
		func(*ad.ConnectOptions) {},
		func(o *ad.ConnectOptions) {
			o.URL, o.Dialer, o.Auth = "ldaps://"+samba.Host, dc.Dialer(), ad.AuthKerberos
		},
	} {
		o := dc.ConnectOptions()
		mod(&o)
		if _, _, err := ad.Read(context.Background(), o, ad.Filter{}); err != nil {
			t.Fatal(err)
		}
	}
	if after := highestUSN(t, dc); after != before {
		t.Errorf("highestCommittedUSN went from %d to %d: changed %v", before, after, changedSince(t, dc, before))
	}
}

func highestUSN(t *testing.T, dc *samba.DC) int64 {
	t.Helper()
	c := anonymous(t, dc)
	defer c.Close()
	res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 10, false,
		"(objectClass=*)", []string{"highestCommittedUSN"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read the RootDSE: %v", err)
	}
	n, err := strconv.ParseInt(res.Entries[0].GetAttributeValue("highestCommittedUSN"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// changedSince lists the objects changed after usn, to explain a failure.
func changedSince(t *testing.T, dc *samba.DC, usn int64) []string {
	c := anonymous(t, dc)
	defer c.Close()
	if err := c.Bind(samba.Admin, dc.AdminPassword); err != nil {
		t.Fatal(err)
	}
	var dns []string
	for _, base := range []string{samba.BaseDN, samba.ConfigNC} {
		res, err := c.Search(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 10, false,
			fmt.Sprintf("(uSNChanged>=%d)", usn+1), []string{"uSNChanged"}, nil))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Entries {
			dns = append(dns, e.DN)
		}
	}
	return dns
}

func anonymous(t *testing.T, dc *samba.DC) *ldap.Conn {
	t.Helper()
	c, err := ldap.DialURL(dc.LDAPSURL, ldap.DialWithTLSConfig(&tls.Config{RootCAs: dc.Roots()}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestNoExchange clears the organisation: a real DC then answers "no such
// object" for CN=Microsoft Exchange. It runs last and loads the scenario
// again.
func TestNoExchange(t *testing.T) {
	dc, entries := contoso(t)
	if err := dc.Clear(); err != nil {
		t.Fatal(err)
	}
	_, _, err := ad.Read(context.Background(), dc.ConnectOptions(), ad.Filter{})
	wantHint(t, err, "the Exchange container does not exist", "Exchange was never installed in this forest")
	if _, err := dc.Load(entries); err != nil {
		t.Fatal(err)
	}
	readSame(t, dc.ConnectOptions(), entries)
}
