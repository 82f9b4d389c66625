package lab

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"time"
)

// misbehave carries out the server's Behavior if it belongs to this stage
// of the connection (tlsStage: where the TLS handshake would start). It
// reports whether it did; the connection is then finished.
func (s *Server) misbehave(c net.Conn, tlsStage bool) bool {
	b := s.spec.Behavior
	if s.spec.Protocol != ProtoTLS && (b == Alert || s.spec.AfterStartTLS) != tlsStage {
		return false
	}
	switch b {
	case Silent:
		io.Copy(io.Discard, c) // ends when the client leaves or Close closes c
	case Trickle:
		s.trickle(c, tlsStage)
	case Plaintext:
		if tlsStage {
			readClientHello(c)
		}
		io.WriteString(c, httpBadRequest)
		lingerClose(c)
	case Garbage:
		if tlsStage {
			readClientHello(c)
		}
		c.Write(garbage())
		lingerClose(c)
	case Reset:
		if tlsStage {
			readClientHello(c)
		} else {
			// The client speaks second: give its connect time to return, so
			// it sees the reset on its first read rather than on connect.
			c.SetReadDeadline(time.Now().Add(250 * time.Millisecond))
			c.Read(make([]byte, 512))
		}
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		c.Close()
	case Alert:
		readClientHello(c)
		// A TLS 1.2 record: fatal (2) handshake_failure (40), what Schannel
		// sends when no cipher suite or certificate fits.
		c.Write([]byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28})
		lingerClose(c)
	default:
		return false
	}
	return true
}

// trickle sends one byte per second of a greeting that never ends (mail
// protocols) or of a ServerHello record that claims 16 KiB (TLS), then
// stays silent.
func (s *Server) trickle(c net.Conn, tlsStage bool) {
	var payload []byte
	if tlsStage {
		payload = []byte{0x16, 0x03, 0x03, 0x40, 0x00, 0x02, 0x00, 0x3f, 0xfc, 0x03, 0x03}
		payload = append(payload, garbage()[:32]...)
	} else {
		g := s.greeting()
		payload = []byte(g[:len(g)-2]) // without CRLF: the line never completes
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for _, b := range payload {
		if _, err := c.Write([]byte{b}); err != nil {
			return
		}
		select {
		case <-s.done:
			return
		case <-tick.C:
		}
	}
	io.Copy(io.Discard, c)
}

// readClientHello reads the first TLS record from c, so that closing c
// afterwards sends FIN rather than the RST that unread data would cause.
func readClientHello(c net.Conn) {
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	defer c.SetReadDeadline(time.Time{})
	var hdr [5]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil || hdr[0] != 0x16 {
		return
	}
	n := binary.BigEndian.Uint16(hdr[3:])
	io.CopyN(io.Discard, c, int64(n))
}

// lingerClose half-closes c and drains what the client still sends, so the
// last bytes written reach the client before the connection goes away.
func lingerClose(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
	c.Close()
}

// garbage is 512 fixed pseudo-random bytes. The first byte is no TLS
// record type, so a TLS client fails at once instead of waiting for more.
func garbage() []byte {
	r := rand.NewChaCha8([32]byte{'e', 'x', 'd', 'i', 'a', 'g'})
	b := make([]byte, 512)
	r.Read(b)
	b[0] = 0xe5
	return b
}

// httpBadRequest is what HTTP.sys (IIS) answers to bytes that are not HTTP.
var httpBadRequest = func() string {
	const body = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">` +
		"\r\n<HTML><HEAD><TITLE>Bad Request</TITLE>\r\n" +
		`<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>` +
		"\r\n<BODY><h2>Bad Request - Invalid Verb</h2>\r\n<hr><p>HTTP Error 400. The request verb is invalid.</p>\r\n</BODY></HTML>\r\n"
	return fmt.Sprintf("HTTP/1.1 400 Bad Request\r\nContent-Type: text/html; charset=us-ascii\r\n"+
		"Server: Microsoft-HTTPAPI/2.0\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
}()
