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
			start := time.Now()
			err := handshakeErrorForTest(t, s, 1500*time.Millisecond)
			if !tt.check(err) {
				t.Errorf("handshake error = %v, want %s", err, tt.want)
			}
			if !timedOutForTest(err) && time.Since(start) > time.Second {
				t.Errorf("client waited %v for a server that gave up at once", time.Since(start))
			}
			if n := s.Handshakes(); n != 0 {
				t.Errorf("Handshakes() = %d, want 0", n)
			}
		})
	}
}

func TestServerTrickleSendsOneBytePerSecond(t *testing.T) {
	s := startServerForTest(t, ServerSpec{Behavior: Trickle})
	conn, err := net.DialTimeout("tcp", s.Addr(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(1500 * time.Millisecond))
	buf := make([]byte, 16)
	n, err := conn.Read(buf)
	if err != nil || n != 1 || buf[0] != 0x16 {
		t.Fatalf("first read = %x, %v; want one handshake record byte 16", buf[:n], err)
	}
	start := time.Now()
	if n, err = conn.Read(buf); err != nil || n != 1 || buf[0] != 0x03 {
		t.Fatalf("second read = %x, %v; want 03", buf[:n], err)
	}
	if d := time.Since(start); d < 500*time.Millisecond {
		t.Errorf("second byte after %v, want about a second", d)
	}
}
