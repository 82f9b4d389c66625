package lab

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/netfail"
	"github.com/exdiag/exdiag/internal/tools/wine/underwine"
)

// handshakeErrorForTest dials s, handshakes with a short deadline and
// returns the client's error.
func handshakeErrorForTest(t *testing.T, s *Server, deadline time.Duration) error {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.Addr(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(deadline))
	return tls.Client(conn, &tls.Config{ServerName: "mail.contoso.com", InsecureSkipVerify: true}).Handshake()
}

// resetForTest reports whether err is a connection reset by the peer, by
// its errno (WSAECONNRESET on Windows), never by its text. Under Wine an
// early reset may read as end of file (see underwine.LosesEarlyResets).
func resetForTest(err error) bool {
	return netfail.IsReset(err) || underwine.LosesEarlyResets() && netfail.Of(err) == netfail.Closed
}

func TestServerBehaviors(t *testing.T) {
	tests := []struct {
		behavior Behavior
		check    func(error) bool
		want     string
	}{
		{Silent, timedOutForTest, "i/o timeout"},
		{Trickle, timedOutForTest, "i/o timeout"},
		{Plaintext, func(err error) bool {
			var rh tls.RecordHeaderError
			return errors.As(err, &rh) && string(rh.RecordHeader[:]) == "HTTP/"
		}, `tls.RecordHeaderError with header "HTTP/"`},
		{Garbage, func(err error) bool {
			var rh tls.RecordHeaderError
			return errors.As(err, &rh) && rh.RecordHeader[0] == 0xe5
		}, "tls.RecordHeaderError"},
		{Reset, resetForTest, "connection reset by peer"},
		{Alert, func(err error) bool {
			var oe *net.OpError
			return errors.As(err, &oe) && oe.Op == "remote error" && strings.Contains(err.Error(), "handshake failure")
		}, "remote error: tls: handshake failure"},
	}
	cert := leafForTLSTest(t, 0, "mail.contoso.com")
	for _, tt := range tests {
		t.Run(string(tt.behavior), func(t *testing.T) {
			t.Parallel()
			s := startServerForTest(t, ServerSpec{Certs: map[string]tls.Certificate{"": cert}, Behavior: tt.behavior})
			err := handshakeErrorForTest(t, s, 1500*time.Millisecond)
			if !tt.check(err) {
				t.Errorf("handshake error = %v, want %s", err, tt.want)
			}
			if n := s.Handshakes(); n != 0 {
				t.Errorf("Handshakes() = %d, want 0", n)
			}
		})
	}
}

// Trickle writes the start of a TLS record one byte at a time, a second
// apart: within 1.5 s a client reads the first byte, perhaps the second,
// never more, and never the whole record.
func TestServerTrickleSendsOneByteAtATime(t *testing.T) {
	s := startServerForTest(t, ServerSpec{Behavior: Trickle})
	conn, err := net.DialTimeout("tcp", s.Addr(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(1500 * time.Millisecond))
	var got []byte
	buf := make([]byte, 16)
	for {
		n, err := conn.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			if !timedOutForTest(err) {
				t.Fatalf("read: %v, want the deadline to end the reads", err)
			}
			break
		}
		if n != 1 {
			t.Errorf("a read returned %d bytes at once", n)
		}
	}
	if len(got) == 0 || len(got) > 2 || got[0] != 0x16 || len(got) == 2 && got[1] != 0x03 {
		t.Errorf("read %x within 1.5s; want 16 or 16 03: the first bytes of a handshake record, one a second", got)
	}
}
