package lab

import (
	"bufio"
	"crypto/tls"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// mailDialogueForTest speaks the plain-text part of proto up to and
// including the STARTTLS command. It reports whether the server advertised
// STARTTLS and the server's answer to the command.
func mailDialogueForTest(t *testing.T, conn net.Conn, proto Protocol) (advertised bool, reply string) {
	t.Helper()
	r := textproto.NewReader(bufio.NewReader(conn))
	send := func(line string) {
		if _, err := conn.Write([]byte(line + "\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	read := func() string {
		line, err := r.ReadLine()
		if err != nil {
			t.Fatal(err)
		}
		return line
	}
	switch proto {
	case ProtoSMTP:
		if _, _, err := r.ReadResponse(220); err != nil {
			t.Fatal(err)
		}
		send("EHLO probe.contoso.com")
		_, msg, err := r.ReadResponse(250)
		if err != nil {
			t.Fatal(err)
		}
		advertised = strings.Contains(msg, "\nSTARTTLS\n")
		send("STARTTLS")
	case ProtoIMAP:
		advertised = strings.Contains(read(), " STARTTLS ")
		send("a1 STARTTLS")
	case ProtoPOP3:
		read()
		send("CAPA")
		for line := read(); line != "."; line = read() {
			advertised = advertised || line == "STLS"
		}
		send("STLS")
	}
	return advertised, read()
}

func startMailServerForTest(t *testing.T, spec ServerSpec) (*Server, net.Conn) {
	t.Helper()
	spec.Certs = map[string]tls.Certificate{"": leafForTLSTest(t, 0, "mail.contoso.com")}
	s := startServerForTest(t, spec)
	conn, err := net.DialTimeout("tcp", s.Addr(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	return s, conn
}

func TestMailStartTLS(t *testing.T) {
	tests := []struct {
		proto           Protocol
		ok, quit, after string
	}{
		{ProtoSMTP, "220 2.0.0 SMTP server ready", "QUIT", "221 "},
		{ProtoIMAP, "a1 OK Begin TLS negotiation now.", "a2 LOGOUT", "* BYE "},
		{ProtoPOP3, "+OK Begin TLS negotiation.", "QUIT", "+OK "},
	}
	for _, tt := range tests {
		t.Run(string(tt.proto), func(t *testing.T) {
			t.Parallel()
			s, conn := startMailServerForTest(t, ServerSpec{Protocol: tt.proto})
			advertised, reply := mailDialogueForTest(t, conn, tt.proto)
			if !advertised || reply != tt.ok {
				t.Fatalf("advertised %v, reply %q; want true, %q", advertised, reply, tt.ok)
			}
			tc := tls.Client(conn, &tls.Config{ServerName: "mail.contoso.com", InsecureSkipVerify: true})
			if err := tc.Handshake(); err != nil {
				t.Fatal(err)
			}
			if cn := tc.ConnectionState().PeerCertificates[0].Subject.CommonName; cn != "mail.contoso.com" {
				t.Errorf("certificate CN = %q", cn)
			}
			tc.Write([]byte(tt.quit + "\r\n"))
			line, err := textproto.NewReader(bufio.NewReader(tc)).ReadLine()
			if err != nil || !strings.HasPrefix(line, tt.after) {
				t.Errorf("answer to %s over TLS = %q, %v; want %q…", tt.quit, line, err, tt.after)
			}
			if n := s.Handshakes(); n != 1 {
				t.Errorf("Handshakes() = %d, want 1", n)
			}
		})
	}
}

func TestMailStartTLSUnavailable(t *testing.T) {
	tests := []struct {
		proto          Protocol
		behavior       Behavior
		wantAdvertised bool
		wantReply      string
	}{
		{ProtoSMTP, NoStartTLS, false, "500 "},
		{ProtoIMAP, NoStartTLS, false, "a1 BAD "},
		{ProtoPOP3, NoStartTLS, false, "-ERR "},
		{ProtoSMTP, StartTLSRefused, true, "454 "},
		{ProtoIMAP, StartTLSRefused, true, "a1 NO "},
		{ProtoPOP3, StartTLSRefused, true, "-ERR "},
	}
	for _, tt := range tests {
		t.Run(string(tt.proto)+"/"+string(tt.behavior), func(t *testing.T) {
			t.Parallel()
			s, conn := startMailServerForTest(t, ServerSpec{Protocol: tt.proto, Behavior: tt.behavior})
			advertised, reply := mailDialogueForTest(t, conn, tt.proto)
			if advertised != tt.wantAdvertised || !strings.HasPrefix(reply, tt.wantReply) {
				t.Errorf("advertised %v, reply %q; want %v, %q…", advertised, reply, tt.wantAdvertised, tt.wantReply)
			}
			if s.ClientHellos() != 0 {
				t.Errorf("ClientHellos() = %d, want 0", s.ClientHellos())
			}
		})
	}
}

func TestMailBehaviorsAtGreeting(t *testing.T) {
	tests := []struct {
		behavior Behavior
		check    func(first []byte, err error) bool
	}{
		{Silent, func(b []byte, err error) bool { return len(b) == 0 && timedOutForTest(err) }},
		{Trickle, func(b []byte, err error) bool {
			return len(b) > 0 && strings.HasPrefix("220 ", string(b)) && timedOutForTest(err)
		}},
		{Plaintext, func(b []byte, err error) bool { return strings.HasPrefix(string(b), "HTTP/1.1 400 Bad Request\r\n") }},
		{Garbage, func(b []byte, err error) bool { return len(b) > 0 && b[0] == 0xe5 }},
		{Reset, func(b []byte, err error) bool { return len(b) == 0 && resetForTest(err) }},
	}
	for _, tt := range tests {
		t.Run(string(tt.behavior), func(t *testing.T) {
			t.Parallel()
			_, conn := startMailServerForTest(t, ServerSpec{Protocol: ProtoSMTP, Behavior: tt.behavior})
			conn.SetDeadline(time.Now().Add(1500 * time.Millisecond))
			var got []byte
			buf := make([]byte, 1024)
			var err error
			for err == nil {
				var n int
				n, err = conn.Read(buf)
				got = append(got, buf[:n]...)
			}
			if !tt.check(got, err) {
				t.Errorf("client read %q, then %v", got, err)
			}
		})
	}
}

func TestMailBehaviorsAfterStartTLS(t *testing.T) {
	tests := []struct {
		behavior Behavior
		after    bool
		check    func(error) bool
	}{
		{Silent, true, timedOutForTest},
		{Reset, true, resetForTest},
		{Plaintext, true, func(err error) bool {
			return err != nil && strings.Contains(err.Error(), "does not look like a TLS handshake")
		}},
		{Alert, false, func(err error) bool {
			return err != nil && strings.Contains(err.Error(), "remote error: tls: handshake failure")
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.behavior), func(t *testing.T) {
			t.Parallel()
			_, conn := startMailServerForTest(t, ServerSpec{Protocol: ProtoIMAP, Behavior: tt.behavior, AfterStartTLS: tt.after})
			if _, reply := mailDialogueForTest(t, conn, ProtoIMAP); !strings.HasPrefix(reply, "a1 OK") {
				t.Fatalf("STARTTLS reply %q", reply)
			}
			conn.SetDeadline(time.Now().Add(time.Second))
			err := tls.Client(conn, &tls.Config{InsecureSkipVerify: true}).Handshake()
			if !tt.check(err) {
				t.Errorf("handshake error = %v", err)
			}
		})
	}
}
