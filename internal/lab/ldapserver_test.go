package lab

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

const testConfigNC = "CN=Configuration,DC=lab,DC=example"

func testLDAP(t *testing.T, mod func(*LDAPSpec)) (*LDAPServer, *x509.CertPool) {
	t.Helper()
	now := time.Now()
	ca, err := NewRootCA("Lab Root", now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(LeafSpec{CommonName: "dc01.lab.example", DNSNames: []string{"dc01.lab.example"},
		IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	spec := LDAPSpec{
		ConfigNC:    testConfigNC,
		DNSHostName: "dc01.lab.example",
		Users:       map[string]string{`LAB\helpdesk`: "pw", "helpdesk@lab.example": "pw"},
		TLS:         &tls.Config{Certificates: []tls.Certificate{cert}},
		Entries: []LDAPEntry{
			{DN: testConfigNC, Attrs: []LDAPAttr{{"objectClass", []string{"top", "configuration"}}}},
			{DN: "CN=Services," + testConfigNC, Attrs: []LDAPAttr{{"objectClass", []string{"top", "container"}}}},
		},
	}
	for i := range 5 {
		spec.Entries = append(spec.Entries, LDAPEntry{
			DN: fmt.Sprintf("CN=EX%02d,CN=Services,%s", i, testConfigNC),
			Attrs: []LDAPAttr{
				{"objectClass", []string{"top", "msExchVirtualDirectory", "msExchOWAVirtualDirectory"}},
				{"msExchInternalHostName", []string{fmt.Sprintf("https://ex%02d.lab.example/owa", i)}},
				{"msExchAcceptedDomainFlags", []string{fmt.Sprint(i)}},
			},
		})
	}
	if mod != nil {
		mod(&spec)
	}
	s, err := StartLDAP(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	return s, roots
}

func dialLab(t *testing.T, s *LDAPServer, roots *x509.CertPool, startTLS bool) *ldap.Conn {
	t.Helper()
	c, err := ldap.DialURL("ldap://" + s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if startTLS {
		if err := c.StartTLS(&tls.Config{RootCAs: roots, ServerName: "dc01.lab.example"}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func search(c *ldap.Conn, base string, scope int, filter string, attrs ...string) ([]*ldap.Entry, error) {
	res, err := c.Search(ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil))
	if res == nil {
		return nil, err
	}
	return res.Entries, err
}

func entryDNs(entries []*ldap.Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.DN)
	}
	return out
}

func TestLDAPFiltersAndScopes(t *testing.T) {
	s, roots := testLDAP(t, nil)
	c := dialLab(t, s, roots, true)
	if err := c.Bind("lab\\HELPDESK", "pw"); err != nil {
		t.Fatal(err)
	}
	base := "CN=Services," + testConfigNC
	for _, tc := range []struct {
		base   string
		scope  int
		filter string
		want   int
	}{
		{base, ldap.ScopeWholeSubtree, "(objectclass=MSEXCHOWAVIRTUALDIRECTORY)", 5},
		{base, ldap.ScopeWholeSubtree, "(&(objectClass=msExchVirtualDirectory)(!(objectClass=container)))", 5},
		{base, ldap.ScopeWholeSubtree, "(msExchInternalHostName=HTTPS://ex0*.lab.example/*)", 5},
		{base, ldap.ScopeWholeSubtree, "(msExchInternalHostName=*ex03*)", 1},
		{base, ldap.ScopeWholeSubtree, "(|(cn=x)(msExchInternalHostName=https://ex01.lab.example/owa))", 1},
		{base, ldap.ScopeWholeSubtree, "(msExchAcceptedDomainFlags:1.2.840.113556.1.4.803:=4)", 1},
		{base, ldap.ScopeWholeSubtree, "(msExchAcceptedDomainFlags>=3)", 2},
		{base, ldap.ScopeWholeSubtree, "(msExchInternalHostName~=https://EX02.lab.example/owa)", 1},
		{base, ldap.ScopeWholeSubtree, "(objectClass=*)", 6},
		{base, ldap.ScopeSingleLevel, "(objectClass=*)", 5},
		{base, ldap.ScopeBaseObject, "(objectClass=*)", 1},
		{"cn=services,cn=configuration,dc=LAB,dc=example", ldap.ScopeBaseObject, "(objectClass=container)", 1},
	} {
		got, err := search(c, tc.base, tc.scope, tc.filter)
		if err != nil || len(got) != tc.want {
			t.Errorf("%s scope %d: got %d entries (%v), want %d", tc.filter, tc.scope, len(got), err, tc.want)
		}
	}
	_, err := search(c, "CN=Nowhere,"+base, ldap.ScopeWholeSubtree, "(objectClass=*)")
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		t.Errorf("missing base: %v, want noSuchObject", err)
	}
}

func TestLDAPAttributeCasingAndPaging(t *testing.T) {
	s, roots := testLDAP(t, func(spec *LDAPSpec) { spec.MaxPageSize = 2 })
	c := dialLab(t, s, roots, true)
	if err := c.Bind("helpdesk@LAB.example", "pw"); err != nil {
		t.Fatal(err)
	}
	before := s.Searches()
	res, err := c.SearchWithPaging(ldap.NewSearchRequest("CN=Services,"+testConfigNC, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=msExchVirtualDirectory)", []string{"msexchinternalhostname"}, nil), 500)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 5 || s.Searches()-before != 3 {
		t.Fatalf("got %d entries in %d pages, want 5 in 3", len(res.Entries), s.Searches()-before)
	}
	e := res.Entries[0]
	if len(e.Attributes) != 1 || e.Attributes[0].Name != "msExchInternalHostName" {
		t.Errorf("attributes %v: want only msExchInternalHostName in the stored casing", e.Attributes)
	}
	// Unpaged searches stop at MaxPageSize, as in AD.
	_, err = search(c, "CN=Services,"+testConfigNC, ldap.ScopeSingleLevel, "(objectClass=*)")
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		t.Errorf("unpaged search over MaxPageSize: %v, want sizeLimitExceeded", err)
	}
}

func TestLDAPBindRules(t *testing.T) {
	s, roots := testLDAP(t, func(spec *LDAPSpec) { spec.RequireTLSForBind = true })

	plain := dialLab(t, s, roots, false)
	root, err := search(plain, "", ldap.ScopeBaseObject, "(objectClass=*)", "configurationNamingContext", "supportedControl")
	if err != nil || len(root) != 1 || root[0].GetAttributeValue("configurationNamingContext") != testConfigNC ||
		!slices.Contains(root[0].GetAttributeValues("supportedControl"), "1.2.840.113556.1.4.319") {
		t.Fatalf("anonymous RootDSE: %v %v", entryDNs(root), err)
	}
	if _, err := search(plain, testConfigNC, ldap.ScopeWholeSubtree, "(objectClass=*)"); !ldap.IsErrorWithCode(err, ldap.LDAPResultOperationsError) {
		t.Errorf("anonymous search: %v, want operationsError", err)
	}
	if err := plain.Bind(`LAB\helpdesk`, "pw"); !ldap.IsErrorWithCode(err, ldap.LDAPResultStrongAuthRequired) {
		t.Errorf("simple bind without TLS: %v, want strongAuthRequired", err)
	}

	secure := dialLab(t, s, roots, true)
	if err := secure.Bind(`LAB\helpdesk`, "wrong"); !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		t.Errorf("wrong password: %v, want invalidCredentials", err)
	}
	if err := secure.Bind(`LAB\helpdesk`, "pw"); err != nil {
		t.Errorf("bind over StartTLS: %v", err)
	}

	ldaps, err := ldap.DialURL("ldaps://"+s.LDAPSAddr(), ldap.DialWithTLSConfig(&tls.Config{RootCAs: roots, ServerName: "dc01.lab.example"}))
	if err != nil {
		t.Fatal(err)
	}
	defer ldaps.Close()
	if err := ldaps.Bind("helpdesk@lab.example", "pw"); err != nil {
		t.Errorf("bind over LDAPS: %v", err)
	}
	if got := s.Binds(); len(got) != 2 {
		t.Errorf("binds %v, want 2", got)
	}
}

func TestLDAPRefusesAndRecordsWrites(t *testing.T) {
	s, roots := testLDAP(t, func(spec *LDAPSpec) { spec.AllowAnonymous = true })
	c := dialLab(t, s, roots, true)
	dn := "CN=EX01,CN=Services," + testConfigNC
	add := ldap.NewAddRequest("CN=New,"+testConfigNC, nil)
	add.Attribute("objectClass", []string{"container"})
	mod := ldap.NewModifyRequest(dn, nil)
	mod.Replace("msExchInternalHostName", []string{"https://evil.example/owa"})
	for name, err := range map[string]error{
		"add":    c.Add(add),
		"modify": c.Modify(mod),
		"delete": c.Del(ldap.NewDelRequest(dn, nil)),
	} {
		if !ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform) {
			t.Errorf("%s: %v, want unwillingToPerform", name, err)
		}
	}
	if _, err := c.PasswordModify(ldap.NewPasswordModifyRequest(dn, "a", "b")); err == nil {
		t.Error("password modify succeeded")
	}
	if err := c.ModifyDN(ldap.NewModifyDNRequest(dn, "CN=EX99", true, "")); !ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform) {
		t.Errorf("modifyDN: %v, want unwillingToPerform", err)
	}
	// The connection is still served after the refusals.
	if _, err := search(c, "", ldap.ScopeBaseObject, "(objectClass=*)"); err != nil {
		t.Errorf("search after the refused writes: %v", err)
	}
	got := s.Violations()
	slices.Sort(got)
	want := []string{"add CN=New," + testConfigNC, "delete " + dn, "modify " + dn, "modifyDN " + dn, "password modify"}
	if !slices.Equal(got, want) {
		t.Errorf("violations\n got %q\nwant %q", got, want)
	}
}

func TestLDAPRepeatCookie(t *testing.T) {
	s, roots := testLDAP(t, func(spec *LDAPSpec) { spec.AllowAnonymous, spec.RepeatCookie, spec.MaxPageSize = true, true, 2 })
	c := dialLab(t, s, roots, false)
	ctrl := ldap.NewControlPaging(2)
	req := ldap.NewSearchRequest(testConfigNC, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, []ldap.Control{ctrl})
	var cookies []string
	for range 3 {
		res, err := c.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		p := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging)
		cookies = append(cookies, string(p.Cookie))
		ctrl.SetCookie(p.Cookie)
	}
	if cookies[0] == "" || cookies[0] != cookies[1] || cookies[1] != cookies[2] {
		t.Errorf("cookies %q, want the same non-empty cookie each time", cookies)
	}
}
