package lab

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// ldapConn is one client connection. Its goroutine reads the requests and
// answers each before reading the next, so nothing here is shared but raw,
// which Close closes.
type ldapConn struct {
	srv  *LDAPServer
	raw  net.Conn // the TCP connection
	conn net.Conn // raw, or TLS over it (LDAPS, StartTLS)
	r    *bufio.Reader
	w    *bufio.Writer
	tls  bool
	// bound: a simple or NTLM bind succeeded and no bind came since.
	bound bool
	// challenge is what the NTLM bind in progress sent (sicilyNegotiate).
	challenge *ntlmChallenge
	// paged holds the matches of the connection's last search, for the
	// next page of it.
	paged pagedSearch
}

// ldapIdleTimeout ends a connection that neither sends a request nor
// reads its answers for that long.
const ldapIdleTimeout = 10 * time.Minute

// ldapWriteBuffer gathers a page's entries into few writes; the answers
// to each request are flushed together.
const ldapWriteBuffer = 32 << 10

// OIDs of the extended operations the lab knows (RFC 4511 4.14, RFC 3062,
// RFC 4511 4.4.1).
const (
	oidStartTLS       = "1.3.6.1.4.1.1466.20037"
	oidPasswordModify = "1.3.6.1.4.1.4203.1.11.1"
	oidDisconnection  = "1.3.6.1.4.1.1466.20036"
)

// errUnbind ends the connection at the client's request.
var errUnbind = errors.New("unbind")

func (c *ldapConn) serve() {
	for {
		_ = c.conn.SetDeadline(time.Now().Add(ldapIdleTimeout))
		if c.next() != nil {
			return
		}
	}
}

// next reads one request and answers it. An error ends the connection:
// a malformed or oversized request after a notice of disconnection.
func (c *ldapConn) next() error {
	p, err := readRequest(c.r)
	var req *ldapRequest
	if err == nil {
		req, err = parseRequest(p)
	}
	if err == nil {
		err = c.handle(req)
	}
	if errors.Is(err, errMalformed) || errors.Is(err, errTooLarge) {
		c.disconnect(err)
	}
	if err != nil {
		return err
	}
	return c.w.Flush()
}

// handle answers one request. An error ends the connection.
func (c *ldapConn) handle(req *ldapRequest) error {
	switch req.op.Tag {
	case applicationBindRequest:
		return c.bind(req)
	case applicationSearchRequest:
		return c.search(req)
	case applicationExtendedRequest:
		return c.extended(req)
	case applicationUnbindRequest:
		return errUnbind
	case applicationAbandonRequest:
		// No answer (RFC 4511 4.11). Requests are answered in order, so
		// the one abandoned is over; a paged search ends with it.
		c.paged = pagedSearch{}
		return nil
	case applicationAddRequest, applicationModifyRequest, applicationDelRequest, applicationModDNRequest:
		return c.refuseWrite(req)
	case applicationCompareRequest:
		return c.send(req.id, ldapResult(applicationCompareResponse, ldap.LDAPResultUnwillingToPerform, "", msgNotSupported))
	}
	return c.send(req.id, extendedResult(ldap.LDAPResultUnwillingToPerform, "", msgNotSupported))
}

// send queues one answer; serve flushes after each request.
func (c *ldapConn) send(id int64, op *ber.Packet, controls ...*ber.Packet) error {
	_, err := c.w.Write(envelope(id, op, controls...))
	return err
}

// disconnect sends the notice of disconnection a malformed or oversized
// request earns (RFC 4511 4.4.1), before the connection closes.
func (c *ldapConn) disconnect(why error) {
	if c.send(0, extendedResult(ldap.LDAPResultProtocolError, oidDisconnection, why.Error())) == nil {
		_ = c.w.Flush()
	}
}

// extended answers ExtendedRequest ::= [APPLICATION 23] SEQUENCE {
// requestName [0] LDAPOID, requestValue [1] OCTET STRING OPTIONAL }.
func (c *ldapConn) extended(req *ldapRequest) error {
	op := req.op
	if op.TagType != ber.TypeConstructed || len(op.Children) == 0 || op.Children[0].ClassType != ber.ClassContext ||
		op.Children[0].Tag != 0 || op.Children[0].TagType != ber.TypePrimitive {
		return errMalformedOp(op)
	}
	switch op.Children[0].Data.String() {
	case oidStartTLS:
		return c.startTLS(req)
	case oidPasswordModify:
		c.srv.violation("password modify")
		return c.send(req.id, extendedResult(ldap.LDAPResultUnwillingToPerform, "", msgReadOnly))
	}
	return c.send(req.id, extendedResult(ldap.LDAPResultUnwillingToPerform, "", msgNotSupported))
}

// startTLS answers the StartTLS request and makes the server's side of
// the handshake.
func (c *ldapConn) startTLS(req *ldapRequest) error {
	switch {
	case c.srv.spec.TLS == nil:
		return c.send(req.id, extendedResult(ldap.LDAPResultUnavailable, oidStartTLS, msgNoTLS))
	case c.tls: // RFC 4511 4.14.1
		return c.send(req.id, extendedResult(ldap.LDAPResultOperationsError, oidStartTLS, "TLS is already in effect"))
	}
	if err := c.send(req.id, extendedResult(ldap.LDAPResultSuccess, oidStartTLS, "")); err != nil {
		return err
	}
	if err := c.w.Flush(); err != nil {
		return err
	}
	if c.r.Buffered() > 0 {
		// RFC 4511 4.14.1: nothing may follow StartTLS before its answer.
		return errors.New("the client sent data after StartTLS")
	}
	tc := tls.Server(c.conn, c.srv.spec.TLS)
	if err := tc.Handshake(); err != nil {
		return err
	}
	c.conn, c.tls = tc, true
	c.r, c.w = bufio.NewReader(tc), bufio.NewWriterSize(tc, ldapWriteBuffer)
	return nil
}

// refuseWrite records a write and refuses it. The DN is what the request
// names, when it names one.
func (c *ldapConn) refuseWrite(req *ldapRequest) error {
	op, dn := req.op, ""
	switch {
	case op.Tag == applicationDelRequest && op.TagType == ber.TypePrimitive: // DelRequest ::= [APPLICATION 10] LDAPDN
		dn = op.Data.String()
	case op.TagType == ber.TypeConstructed && len(op.Children) > 0:
		dn, _ = octets(op.Children[0])
	}
	c.srv.violation("%s %s", opName(op.Tag), dn)
	return c.send(req.id, ldapResult(op.Tag+1, ldap.LDAPResultUnwillingToPerform, "", msgReadOnly))
}

// errMalformedOp is a protocol operation whose fields are wrong.
func errMalformedOp(op *ber.Packet) error {
	return fmt.Errorf("%w: bad %s request", errMalformed, opName(op.Tag))
}
