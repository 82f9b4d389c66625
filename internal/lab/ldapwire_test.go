package lab

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// rawLDAP is a client connection that writes bytes as given and reads
// whole messages.
type rawLDAP struct {
	t *testing.T
	net.Conn
}

func dialRaw(t *testing.T, addr string) *rawLDAP {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// Guards against a server that never answers: the test then fails
	// with a timeout error instead of hanging.
	c.SetDeadline(time.Now().Add(time.Minute))
	return &rawLDAP{t, c}
}

func (c *rawLDAP) send(b []byte) {
	c.t.Helper()
	if _, err := c.Write(b); err != nil {
		c.t.Fatal(err)
	}
}

// next reads one message; nil at the connection's end.
func (c *rawLDAP) next() *ber.Packet {
	c.t.Helper()
	p, err := ber.ReadPacket(c)
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed):
		return nil
	case errors.As(err, &ne) && ne.Timeout():
		c.t.Fatalf("the server neither answered nor closed the connection: %v", err)
	case err != nil:
		return nil // reset by the server
	}
	return p
}

// request builds an LDAPMessage with a protocol operation and controls:
// requests and answers share the envelope (RFC 4511 4.1.1).
func request(id int64, op *ber.Packet, controls ...*ber.Packet) []byte {
	return envelope(id, op, controls...)
}

// rootDSESearch is a search for the RootDSE with the given filter packet.
func rootDSESearch(filter *ber.Packet) *ber.Packet { return searchOp("", 0, filter) }

// searchOp is a SearchRequest for all attributes.
func searchOp(base string, scope int64, filter *ber.Packet) *ber.Packet {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchRequest, nil, "search")
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, base, "base"))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, scope, "scope"))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, 0, "deref"))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 0, "sizeLimit"))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 0, "timeLimit"))
	op.AppendChild(ber.NewBoolean(ber.ClassUniversal, ber.TypePrimitive, ber.TagBoolean, false, "typesOnly"))
	op.AppendChild(filter)
	op.AppendChild(ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "attributes"))
	return op
}

// nestedAnd is (&(&(…(objectClass=*)…))), n ANDs deep.
func nestedAnd(n int) *ber.Packet {
	f := presentFilter("objectClass")
	for range n {
		and := ber.Encode(ber.ClassContext, ber.TypeConstructed, ldap.FilterAnd, nil, "and")
		and.AppendChild(f)
		f = and
	}
	return f
}

func presentFilter(attr string) *ber.Packet {
	return ber.NewString(ber.ClassContext, ber.TypePrimitive, ldap.FilterPresent, attr, "present")
}

// wantDisconnect reads the notice of disconnection (RFC 4511 4.4.1) and
// then the connection's end.
func wantDisconnect(t *testing.T, c *rawLDAP, name string) {
	t.Helper()
	p := c.next()
	if p == nil {
		t.Errorf("%s: the connection closed without a notice of disconnection", name)
		return
	}
	if len(p.Children) < 2 || p.Children[0].Value != int64(0) || p.Children[1].Tag != ldap.ApplicationExtendedResponse ||
		resultCode(p) != ldap.LDAPResultProtocolError || !bytes.Contains(p.Bytes(), []byte(oidDisconnection)) {
		t.Errorf("%s: got %s, want a notice of disconnection with protocolError", name, ldapDump(p))
	}
	if p := c.next(); p != nil {
		t.Errorf("%s: the connection stayed open after the notice: %s", name, ldapDump(p))
	}
}

func ldapDump(p *ber.Packet) string {
	var b bytes.Buffer
	ber.WritePacket(&b, p)
	return b.String()
}

// A request the server cannot read ends its connection with a notice of
// disconnection, and nothing else: the server goes on serving others.
func TestLDAPMalformedRequests(t *testing.T) {
	s, roots := testLDAP(t, nil)
	badFilter := rootDSESearch(ber.Encode(ber.ClassContext, ber.TypeConstructed, 12, nil, "no such filter"))
	notFilter := ber.Encode(ber.ClassContext, ber.TypeConstructed, ldap.FilterNot, nil, "not of two")
	notFilter.AppendChild(presentFilter("a"))
	notFilter.AppendChild(presentFilter("b"))
	badPaging := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Control")
	badPaging.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, ldap.ControlTypePaging, ""))
	badPaging.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "\x30\x05\x02", ""))
	bindNoAuth := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationBindRequest, nil, "bind")
	bindNoAuth.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 3, "version"))
	idNotInteger := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAPMessage")
	idNotInteger.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "1", "id"))
	idNotInteger.AppendChild(rootDSESearch(presentFilter("objectClass")))

	for _, tc := range []struct {
		name string
		msg  []byte
	}{
		{"a TLS ClientHello", []byte{0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00}},
		{"indefinite length", []byte{0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00}},
		{"nine length bytes", []byte{0x30, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 3, 2, 1, 1}},
		{"an element overrunning its message", []byte{0x30, 0x05, 0x02, 0x01, 0x01, 0x60, 0x10}},
		{"a multi-byte tag", []byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x7f, 0x40, 0x00}},
		{"a filter nested too deep", request(1, rootDSESearch(nestedAnd(maxRequestDepth)))},
		{"a SEQUENCE that is no LDAPMessage", []byte{0x30, 0x03, 0x02, 0x01, 0x01}},
		{"a messageID that is no INTEGER", idNotInteger.Bytes()},
		{"a bind without authentication", request(1, bindNoAuth)},
		{"an unknown filter choice", request(1, badFilter)},
		{"a NOT of two filters", request(1, rootDSESearch(notFilter))},
		{"scope 7", request(1, searchOp("", 7, presentFilter("objectClass")))},
		{"a paged results control that is not BER", request(1, rootDSESearch(presentFilter("objectClass")), badPaging)},
	} {
		c := dialRaw(t, s.Addr())
		c.send(tc.msg)
		wantDisconnect(t, c, tc.name)
	}

	// Half a message, then the client's end: the connection closes.
	c := dialRaw(t, s.Addr())
	c.send(request(1, rootDSESearch(presentFilter("objectClass")))[:10])
	c.Conn.(*net.TCPConn).CloseWrite()
	if p := c.next(); p != nil {
		t.Errorf("half a message: got %s, want the connection closed", ldapDump(p))
	}

	// Filters nest as deep as clients nest them.
	c = dialRaw(t, s.Addr())
	c.send(request(2, rootDSESearch(nestedAnd(maxRequestDepth-4))))
	if p := c.next(); p == nil || p.Children[1].Tag != ldap.ApplicationSearchResultEntry {
		t.Errorf("a filter nested %d deep: got %v, want the RootDSE", maxRequestDepth-4, p)
	}

	good := dialLab(t, s, roots, true)
	if err := good.Bind(`LAB\helpdesk`, "pw"); err != nil {
		t.Fatalf("bind after the malformed requests: %v", err)
	}
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("violations %q from requests that were not writes", v)
	}
}

// A request over maxRequestBytes is refused on its header, unread; one of
// exactly maxRequestBytes is answered.
func TestLDAPOversizedRequest(t *testing.T) {
	s, _ := testLDAP(t, nil)
	over := maxRequestBytes + 1
	for name, header := range map[string][]byte{
		"1 GiB":               {0x30, 0x84, 0x40, 0x00, 0x00, 0x00},
		"one byte over limit": {0x30, 0x83, byte(over >> 16), byte(over >> 8), byte(over)},
		"2^63 in 8 bytes":     {0x30, 0x88, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	} {
		c := dialRaw(t, s.Addr())
		c.send(header)
		wantDisconnect(t, c, name)
	}

	// A simple bind whose name fills the message to the limit.
	bind := func(name string) []byte {
		op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationBindRequest, nil, "bind")
		op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 3, "version"))
		op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, name, "name"))
		op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, "wrong", "password"))
		return request(7, op)
	}
	const header = 5 // 0x30 0x83 and three length bytes
	n := 0
	msg := bind("")
	for range 5 { // the lengths' own sizes grow with the name
		n += maxRequestBytes - (len(msg) - header)
		msg = bind(string(bytes.Repeat([]byte{'x'}, n)))
	}
	if got := len(msg) - header; got != maxRequestBytes || msg[1] != 0x83 {
		t.Fatalf("the request's content is %d bytes, want %d", got, maxRequestBytes)
	}
	c := dialRaw(t, s.Addr())
	c.send(msg)
	p := c.next()
	if p == nil || p.Children[0].Value != int64(7) || resultCode(p) != ldap.LDAPResultInvalidCredentials {
		t.Errorf("bind of exactly %d bytes: got %v, want invalidCredentials", maxRequestBytes, p)
	}
}
