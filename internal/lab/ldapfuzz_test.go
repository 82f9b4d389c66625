package lab

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/Azure/go-ntlmssp"
	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// FuzzLDAPRequest feeds a connection any bytes: the server must answer
// with well-formed LDAP messages, record only writes, and never panic.
func FuzzLDAPRequest(f *testing.F) {
	s, err := newLDAPServer(LDAPSpec{
		ConfigNC: testConfigNC, DNSHostName: "dc01.lab.example", NTLM: true, MaxPageSize: 2,
		Users: map[string]string{`LAB\helpdesk`: "pw"},
		Entries: []LDAPEntry{
			{DN: testConfigNC, Attrs: []LDAPAttr{{"objectClass", []string{"top", "configuration"}}}},
			{DN: "CN=Services," + testConfigNC, Attrs: []LDAPAttr{{"objectClass", []string{"top", "container"}}, {"flags", []string{"5"}}}},
			{DN: "CN=EX01,CN=Services," + testConfigNC, Attrs: []LDAPAttr{{"objectClass", []string{"top"}}, {"cn", []string{"EX01"}}}},
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		s.mu.Lock()
		s.violations = nil
		s.mu.Unlock()
		var out bytes.Buffer
		c := &ldapConn{srv: s, r: bufio.NewReader(bytes.NewReader(in)), w: bufio.NewWriter(&out)}
		for range 64 {
			if c.next() != nil {
				break
			}
		}
		_ = c.w.Flush()
		for out.Len() > 0 {
			p, err := ber.ReadPacket(&out)
			if err != nil || len(p.Children) < 2 || p.Children[1].ClassType != ber.ClassApplication {
				t.Fatalf("the server wrote a malformed message (%v)", err)
			}
		}
		for _, v := range s.Violations() {
			if op, _, _ := strings.Cut(v, " "); op != "add" && op != "modify" && op != "delete" && op != "modifyDN" && v != "password modify" {
				t.Fatalf("violation %q is not a write", v)
			}
		}
	})
}

// fuzzSeeds are requests of every kind the server answers, each alone and
// all in one stream.
func fuzzSeeds() [][]byte {
	simple := func(name, pw string) *ber.Packet {
		op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationBindRequest, nil, "bind")
		op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 3, "version"))
		op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, name, "name"))
		op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, pw, "simple"))
		return op
	}
	negotiateMsg, _ := ntlmssp.NewNegotiateMessage("LAB", "")
	negotiateBind := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationBindRequest, nil, "bind")
	negotiateBind.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 3, "version"))
	negotiateBind.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "name"))
	negotiateBind.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 10, string(negotiateMsg), "sicilyNegotiate"))

	and := ber.Encode(ber.ClassContext, ber.TypeConstructed, ldap.FilterAnd, nil, "and")
	eq := ber.Encode(ber.ClassContext, ber.TypeConstructed, ldap.FilterEqualityMatch, nil, "eq")
	eq.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "cn", ""))
	eq.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "ex01", ""))
	and.AppendChild(presentFilter("objectClass"))
	and.AppendChild(eq)
	paging := ldap.NewControlPaging(1).Encode()

	dnOp := func(tag ber.Tag) *ber.Packet {
		op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, tag, nil, "write")
		op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "CN=EX01,CN=Services,"+testConfigNC, "dn"))
		op.AppendChild(ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "changes"))
		return op
	}
	pwModify := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationExtendedRequest, nil, "extended")
	pwModify.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, oidPasswordModify, "name"))

	msgs := [][]byte{
		request(1, simple(`LAB\helpdesk`, "pw")),
		request(2, simple(`LAB\helpdesk`, "wrong")),
		request(3, negotiateBind),
		request(4, rootDSESearch(presentFilter("objectClass"))),
		request(5, searchOp("CN=Services,"+testConfigNC, 2, and)),
		request(6, searchOp(testConfigNC, 1, presentFilter("cn")), paging),
		request(7, dnOp(ldap.ApplicationModifyRequest)),
		request(8, dnOp(ldap.ApplicationAddRequest)),
		request(9, ber.NewString(ber.ClassApplication, ber.TypePrimitive, ldap.ApplicationDelRequest, "CN=EX01", "del")),
		request(10, dnOp(ldap.ApplicationModifyDNRequest)),
		request(11, pwModify),
		request(12, ber.NewInteger(ber.ClassApplication, ber.TypePrimitive, ldap.ApplicationAbandonRequest, int64(6), "abandon")),
		request(13, ber.Encode(ber.ClassApplication, ber.TypePrimitive, ldap.ApplicationUnbindRequest, nil, "unbind")),
	}
	return append(msgs, bytes.Join(msgs, nil), []byte{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff})
}
