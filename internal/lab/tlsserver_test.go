package lab

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var labNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func leafForTLSTest(t *testing.T, rsaBits int, names ...string) tls.Certificate {
	t.Helper()
	c, err := SelfSigned(LeafSpec{CommonName: names[0], DNSNames: names, RSABits: rsaBits,
		NotBefore: labNow.AddDate(-1, 0, 0), NotAfter: labNow.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func startServerForTest(t *testing.T, spec ServerSpec) *Server {
	t.Helper()
	s, err := StartServer(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// dialTLSForTest handshakes with s and returns the connection state.
func dialTLSForTest(t *testing.T, s *Server, cfg *tls.Config) (tls.ConnectionState, error) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.Addr(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	tc := tls.Client(conn, cfg)
	err = tc.Handshake()
	return tc.ConnectionState(), err
}

func TestServerChoosesCertificateBySNI(t *testing.T) {
	s := startServerForTest(t, ServerSpec{Certs: map[string]tls.Certificate{
		"":                         leafForTLSTest(t, 0, "default.contoso.com"),
		"mail.contoso.com":         leafForTLSTest(t, 0, "mail.contoso.com"),
		"Autodiscover.Contoso.com": leafForTLSTest(t, 0, "autodiscover.contoso.com"),
	}})
	tests := []struct{ sni, wantCN string }{
		{"mail.contoso.com", "mail.contoso.com"},
		{"AUTODISCOVER.contoso.com", "autodiscover.contoso.com"},
		{"", "default.contoso.com"},
		{"other.contoso.com", "default.contoso.com"},
	}
	for _, tt := range tests {
		st, err := dialTLSForTest(t, s, &tls.Config{ServerName: tt.sni, InsecureSkipVerify: true})
		if err != nil {
			t.Fatalf("SNI %q: %v", tt.sni, err)
		}
		if cn := st.PeerCertificates[0].Subject.CommonName; cn != tt.wantCN {
			t.Errorf("SNI %q: got certificate %q, want %q", tt.sni, cn, tt.wantCN)
		}
	}
	if n := s.Handshakes(); n != len(tests) {
		t.Errorf("Handshakes() = %d, want %d", n, len(tests))
	}
	want := []string{"mail.contoso.com", "autodiscover.contoso.com", "", "other.contoso.com"}
	if got := s.ServerNames(); !slices.Equal(got, want) {
		t.Errorf("ServerNames() = %q, want %q", got, want)
	}
}

func TestServerWithoutMatchingCertificateFails(t *testing.T) {
	s := startServerForTest(t, ServerSpec{Certs: map[string]tls.Certificate{
		"mail.contoso.com": leafForTLSTest(t, 0, "mail.contoso.com"),
	}})
	_, err := dialTLSForTest(t, s, &tls.Config{ServerName: "owa.contoso.com", InsecureSkipVerify: true})
	if err == nil || !strings.Contains(err.Error(), "unrecognized name") {
		t.Fatalf("handshake error = %v, want unrecognized name", err)
	}
	if s.ClientHellos() != 1 || s.Handshakes() != 0 {
		t.Errorf("ClientHellos, Handshakes = %d, %d, want 1, 0", s.ClientHellos(), s.Handshakes())
	}
}

func TestServerCountsOnlyCompletedHandshakes(t *testing.T) {
	s := startServerForTest(t, ServerSpec{Certs: map[string]tls.Certificate{"": leafForTLSTest(t, 0, "mail.contoso.com")}})
	for range 3 {
		if _, err := dialTLSForTest(t, s, &tls.Config{InsecureSkipVerify: true}); err != nil {
			t.Fatal(err)
		}
	}
	// A client that rejects the self-signed certificate aborts the handshake.
	_, err := dialTLSForTest(t, s, &tls.Config{ServerName: "mail.contoso.com", RootCAs: x509.NewCertPool()})
	if err == nil {
		t.Fatal("verifying client accepted a self-signed certificate")
	}
	if s.Handshakes() != 3 || s.ClientHellos() != 4 {
		t.Errorf("Handshakes, ClientHellos = %d, %d, want 3, 4", s.Handshakes(), s.ClientHellos())
	}
}

func TestServerTLS10Only(t *testing.T) {
	s := startServerForTest(t, ServerSpec{
		Certs:        map[string]tls.Certificate{"": leafForTLSTest(t, 2048, "legacy.contoso.com")},
		MaxVersion:   tls.VersionTLS10,
		CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA},
	})
	if _, err := dialTLSForTest(t, s, &tls.Config{InsecureSkipVerify: true}); err == nil {
		t.Fatal("default client completed a handshake with a TLS 1.0 server")
	}
	var suites []uint16
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		suites = append(suites, cs.ID)
	}
	st, err := dialTLSForTest(t, s, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, CipherSuites: suites})
	if err != nil {
		t.Fatal(err)
	}
	if st.Version != tls.VersionTLS10 || st.CipherSuite != tls.TLS_RSA_WITH_AES_128_CBC_SHA {
		t.Errorf("negotiated %s %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	}
	if n := s.Handshakes(); n != 1 {
		t.Errorf("Handshakes() = %d, want 1", n)
	}
}

func TestServerAnswersHTTPS(t *testing.T) {
	s := startServerForTest(t, ServerSpec{Certs: map[string]tls.Certificate{"": leafForTLSTest(t, 0, "mail.contoso.com")}})
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", s.Addr(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	io.WriteString(conn, "GET /owa/ HTTP/1.1\r\nHost: mail.contoso.com\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %s, want 200 OK", resp.Status)
	}
}

func TestServerCloseEndsIdleConnections(t *testing.T) {
	before := runtime.NumGoroutine()
	cert := leafForTLSTest(t, 0, "mail.contoso.com")
	var servers []*Server
	var conns []net.Conn
	for _, spec := range []ServerSpec{
		{Behavior: Silent}, {Behavior: Trickle}, {Protocol: ProtoSMTP, Behavior: Silent},
		{Protocol: ProtoIMAP, Behavior: Trickle}, {Protocol: ProtoPOP3}, {},
	} {
		spec.Certs = map[string]tls.Certificate{"": cert}
		s, err := StartServer(spec)
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, s)
		for range 2 {
			c, err := net.DialTimeout("tcp", s.Addr(), 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			conns = append(conns, c)
		}
	}
	time.Sleep(100 * time.Millisecond) // let every server goroutine start its dialogue

	for _, s := range servers {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		s.Close()
	}
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := io.Copy(io.Discard, c); err != nil && timedOutForTest(err) {
			t.Errorf("connection to a closed server still open: %v", err)
		}
		c.Close()
	}
	for deadline := time.Now().Add(2 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after Close, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func timedOutForTest(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
