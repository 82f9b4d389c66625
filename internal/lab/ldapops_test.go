package lab

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// Operations the lab does not serve are refused one by one, and the
// connection goes on; abandon has no answer, unbind ends the connection.
func TestLDAPOperationsOutsideTheLab(t *testing.T) {
	s, roots := testLDAP(t, func(spec *LDAPSpec) { spec.AllowAnonymous = true })
	c := dialLab(t, s, roots, true)
	if _, err := c.Compare("CN=EX01,CN=Services,"+testConfigNC, "cn", "EX01"); !ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform) {
		t.Errorf("compare: %v, want unwillingToPerform", err)
	}
	if _, err := c.WhoAmI(nil); !ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform) {
		t.Errorf("an extended operation the lab does not know: %v, want unwillingToPerform", err)
	}
	if err := c.ExternalBind(); !ldap.IsErrorWithCode(err, ldap.LDAPResultAuthMethodNotSupported) {
		t.Errorf("SASL EXTERNAL bind: %v, want authMethodNotSupported", err)
	}
	// This DC does not answer NTLM (spec.NTLM is off).
	if err := c.NTLMBind("LAB", `LAB\helpdesk`, "pw"); !ldap.IsErrorWithCode(err, ldap.LDAPResultAuthMethodNotSupported) {
		t.Errorf("NTLM bind on a DC without NTLM: %v, want authMethodNotSupported", err)
	}
	if entries, err := search(c, "CN=Services,"+testConfigNC, ldap.ScopeSingleLevel, "(objectClass=*)"); err != nil || len(entries) != 5 {
		t.Errorf("search after the refusals: %d entries, %v", len(entries), err)
	}

	raw := dialRaw(t, s.Addr())
	unknown := ber.Encode(ber.ClassApplication, ber.TypeConstructed, 30, nil, "no such operation")
	raw.send(request(1, unknown))
	abandon := ber.NewInteger(ber.ClassApplication, ber.TypePrimitive, ldap.ApplicationAbandonRequest, int64(1), "abandon")
	raw.send(request(2, abandon))
	raw.send(request(3, rootDSESearch(presentFilter("objectClass"))))
	var ids []int64
	var tags []ber.Tag
	for range 3 {
		p := raw.next()
		if p == nil {
			t.Fatalf("the connection closed after %d answers", len(ids))
		}
		ids, tags = append(ids, p.Children[0].Value.(int64)), append(tags, p.Children[1].Tag)
	}
	if ids[0] != 1 || tags[0] != ldap.ApplicationExtendedResponse || ids[1] != 3 || ids[2] != 3 || tags[2] != ldap.ApplicationSearchResultDone {
		t.Errorf("answers %v with tags %v: want 1 (unwillingToPerform), no answer to the abandon, then the search's 3 and 3", ids, tags)
	}
	raw.send(request(4, ber.Encode(ber.ClassApplication, ber.TypePrimitive, ldap.ApplicationUnbindRequest, nil, "unbind")))
	if p := raw.next(); p != nil {
		t.Errorf("after unbind: got %s, want the connection closed", ldapDump(p))
	}
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("violations %q from operations that are not writes", v)
	}
}

// StartTLS: refused on a connection that has TLS already (RFC 4511
// 4.14.1), and by a DC without a certificate with AD's message.
func TestLDAPStartTLSRefusals(t *testing.T) {
	s, roots := testLDAP(t, nil)
	ldaps, err := ldap.DialURL("ldaps://"+s.LDAPSAddr(), ldap.DialWithTLSConfig(&tls.Config{RootCAs: roots, ServerName: "dc01.lab.example"}))
	if err != nil {
		t.Fatal(err)
	}
	defer ldaps.Close()
	res, err := ldaps.Extended(ldap.NewExtendedRequest(oidStartTLS, nil))
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultOperationsError) {
		t.Errorf("StartTLS over LDAPS: %v %v, want operationsError", res, err)
	}
	if err := ldaps.Bind(`LAB\helpdesk`, "pw"); err != nil {
		t.Errorf("bind after the refused StartTLS: %v", err)
	}

	plain, _ := testLDAP(t, func(spec *LDAPSpec) { spec.TLS = nil })
	c := dialLab(t, plain, nil, false)
	err = c.StartTLS(&tls.Config{RootCAs: roots, ServerName: "dc01.lab.example"})
	var le *ldap.Error
	if !errors.As(err, &le) || le.ResultCode != ldap.LDAPResultUnavailable || !strings.Contains(err.Error(), "Error initializing SSL/TLS") {
		t.Errorf("StartTLS without a certificate: %v, want unavailable with AD's message", err)
	}
	if plain.LDAPSAddr() != "" {
		t.Errorf("LDAPS listener %s without TLS", plain.LDAPSAddr())
	}
}

// pagedSearch sends one page request with the given size and cookie.
func pagedSearchPage(t *testing.T, c *ldap.Conn, filter string, size uint32, cookie []byte, sizeLimit int) ([]string, []byte, error) {
	t.Helper()
	ctrl := ldap.NewControlPaging(size)
	ctrl.SetCookie(cookie)
	res, err := c.Search(ldap.NewSearchRequest("CN=Services,"+testConfigNC, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, sizeLimit, 0, false,
		filter, []string{"cn"}, []ldap.Control{ctrl}))
	if res == nil {
		return nil, nil, err
	}
	var next []byte
	if p, ok := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging); ok {
		next = p.Cookie
	} else if err == nil {
		t.Errorf("%s: no paged results control in the answer", filter)
	}
	return entryDNs(res.Entries), next, err
}

// Paging: pages of at most MaxPageSize, a cookie that carries to another
// connection but not to another search, size 0 to end a search early, and
// the size limit within a page.
func TestLDAPPaging(t *testing.T) {
	s, roots := testLDAP(t, func(spec *LDAPSpec) { spec.AllowAnonymous, spec.MaxPageSize = true, 2 })
	c := dialLab(t, s, roots, false)
	const all, some = "(objectClass=*)", "(msExchAcceptedDomainFlags>=1)"
	var got []string
	var cookie []byte
	for page := 0; page < 10; page++ {
		dns, next, err := pagedSearchPage(t, c, all, 100, cookie, 0)
		if err != nil || len(dns) > 2 {
			t.Fatalf("page %d: %d entries, %v; want at most MaxPageSize (2)", page, len(dns), err)
		}
		got, cookie = append(got, dns...), next
		if len(cookie) == 0 {
			break
		}
	}
	if len(got) != 5 || len(cookie) != 0 {
		t.Errorf("paged search: %d entries %q, last cookie %q; want the 5 entries and an empty cookie", len(got), got, cookie)
	}

	first, cookie, err := pagedSearchPage(t, c, all, 2, nil, 0)
	if err != nil || len(cookie) == 0 {
		t.Fatalf("first page: %v %v", first, err)
	}
	other := dialLab(t, s, roots, false)
	second, _, err := pagedSearchPage(t, other, all, 2, cookie, 0)
	if err != nil || len(second) != 2 || second[0] == first[0] || second[0] == first[1] {
		t.Errorf("the cookie on another connection: %q, %v; want the next two entries after %q", second, err, first)
	}
	if _, _, err := pagedSearchPage(t, c, some, 2, cookie, 0); !ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform) {
		t.Errorf("the cookie of another search: %v, want unwillingToPerform", err)
	}
	forged := append([]byte("99"), cookie[1:]...)
	if _, _, err := pagedSearchPage(t, c, all, 2, forged, 0); !ldap.IsErrorWithCode(err, ldap.LDAPResultUnwillingToPerform) {
		t.Errorf("a cookie past the end: %v, want unwillingToPerform", err)
	}
	dns, next, err := pagedSearchPage(t, c, all, 0, cookie, 0)
	if err != nil || len(dns) != 0 || len(next) != 0 {
		t.Errorf("size 0 ends the search: %q, cookie %q, %v; want nothing", dns, next, err)
	}
	dns, _, err = pagedSearchPage(t, c, all, 2, nil, 1)
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) || len(dns) != 1 {
		t.Errorf("size limit 1 in a page of 2: %q, %v; want one entry and sizeLimitExceeded", dns, err)
	}
}
