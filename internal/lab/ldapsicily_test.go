package lab

import (
	"crypto/tls"
	"errors"
	"net"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// The lab DC answers go-ldap's NTLMBind on the plain listener with
// StartTLS and on LDAPS, and the bound connection searches as the account.
func TestSicilyNTLMBind(t *testing.T) {
	s, roots := testLDAP(t, func(sp *LDAPSpec) { sp.NTLM, sp.RequireTLSForBind = true, true })
	ldaps := func() *ldap.Conn {
		c, err := ldap.DialURL("ldaps://"+s.LDAPSAddr(), ldap.DialWithTLSConfig(&tls.Config{RootCAs: roots, ServerName: "dc01.lab.example"}))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	for name, c := range map[string]*ldap.Conn{"starttls": dialLab(t, s, roots, true), "ldaps": ldaps()} {
		if err := c.NTLMBind("LAB", `LAB\helpdesk`, "pw"); err != nil {
			t.Fatalf("%s: NTLMBind: %v", name, err)
		}
		if entries, err := search(c, testConfigNC, ldap.ScopeWholeSubtree, "(objectClass=msExchVirtualDirectory)"); err != nil || len(entries) != 5 {
			t.Errorf("%s: search after the NTLM bind: %d entries, %v", name, len(entries), err)
		}
	}
	if b := s.Binds(); len(b) != 2 || b[0] != `LAB\helpdesk` {
		t.Errorf("binds %q, want LAB\\helpdesk twice", b)
	}
}

// Wrong password: AD's answer, and the connection is anonymous again.
// Without TLS the DC refuses as it refuses a simple bind.
func TestSicilyRefusals(t *testing.T) {
	s, roots := testLDAP(t, func(sp *LDAPSpec) { sp.NTLM, sp.RequireTLSForBind = true, true })
	c := dialLab(t, s, roots, true)
	if err := c.NTLMBind("LAB", `LAB\helpdesk`, "pw"); err != nil {
		t.Fatal(err)
	}
	err := c.NTLMBind("LAB", `LAB\helpdesk`, "not-pw")
	var le *ldap.Error
	if !errors.As(err, &le) || le.ResultCode != ldap.LDAPResultInvalidCredentials || le.Err.Error() != msgInvalidCredentials {
		t.Errorf("wrong password: %v, want result 49 with AD's data 52e", err)
	}
	if _, err := search(c, testConfigNC, ldap.ScopeWholeSubtree, "(objectClass=*)"); !ldap.IsErrorWithCode(err, ldap.LDAPResultOperationsError) {
		t.Errorf("search after a failed bind: %v, want operations error (not bound)", err)
	}
	plain := dialLab(t, s, roots, false)
	if err := plain.NTLMBind("LAB", `LAB\helpdesk`, "pw"); !ldap.IsErrorWithCode(err, ldap.LDAPResultStrongAuthRequired) {
		t.Errorf("NTLM without TLS: %v, want strong auth required", err)
	}
	if b := s.Binds(); len(b) != 1 {
		t.Errorf("binds %q, want the first one only", b)
	}
}

// A sicilyResponse without a sicilyNegotiate is a protocol error; a
// client that leaves mid-bind, and Close with clients connected, end
// cleanly.
func TestSicilyProtocol(t *testing.T) {
	s, _ := testLDAP(t, func(sp *LDAPSpec) { sp.NTLM = true })
	conn, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Request")
	req.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 1, "MessageID"))
	bind := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationBindRequest, nil, "Bind Request")
	bind.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 3, "Version"))
	bind.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "User Name"))
	bind.AppendChild(ber.Encode(ber.ClassContext, ber.TypePrimitive, ber.TagEmbeddedPDV, []byte("NTLMSSP\x00\x03"), "sicilyResponse"))
	req.AppendChild(bind)
	if _, err := conn.Write(req.Bytes()); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := ber.ReadPacket(conn)
	if err != nil {
		t.Fatal(err)
	}
	if code := resultCode(resp); code != ldap.LDAPResultProtocolError {
		t.Errorf("result %d, want protocol error", code)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close with a client connected: %v", err)
	}
	if _, err := ber.ReadPacket(conn); err == nil {
		t.Error("the connection stayed open after Close")
	}
}

// resultCode is the resultCode of an LDAPMessage's response, or -1.
func resultCode(msg *ber.Packet) int64 {
	if len(msg.Children) < 2 || len(msg.Children[1].Children) == 0 {
		return -1
	}
	code, ok := msg.Children[1].Children[0].Value.(int64)
	if !ok {
		return -1
	}
	return code
}
