package ad_test

import (
	"context"
	"net"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/netfail"
)

// startDroppingDC accepts connections, reads the first LDAP request and
// then drops the connection: with a reset (RST) when reset is set, else
// with an orderly close.
func startDroppingDC(t *testing.T, reset bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				_, _ = ber.ReadPacket(c)
				if reset {
					c.(*net.TCPConn).SetLinger(0)
				}
				c.Close()
			}()
		}
	}()
	return ln.Addr().String()
}

// go-ldap reports a failed read as text only; the reader still tells a
// reset from a close by the connection's own error value, on every
// platform and in every language.
func TestReadDroppedConnection(t *testing.T) {
	for _, tt := range []struct {
		reset bool
		kind  netfail.Kind
		hint  string
	}{
		{true, netfail.Reset, "the DC closed the connection: if it requires LDAPS"},
		{false, netfail.Closed, "the DC closed the connection in the middle of an answer"},
	} {
		t.Run(string(tt.kind), func(t *testing.T) {
			o := ad.ConnectOptions{URL: "ldap://" + startDroppingDC(t, tt.reset), NoStartTLS: true,
				Auth: ad.AuthAnonymous, Timeout: 5 * time.Second}
			_, _, err := ad.Read(context.Background(), o, ad.Filter{})
			wantError(t, err, "read the RootDSE of 127.0.0.1:", tt.hint)
			if got := netfail.Of(err); got != tt.kind {
				t.Errorf("netfail.Of(%v) = %q, want %q", err, got, tt.kind)
			}
		})
	}
}

// Refused is known by its errno (WSAECONNREFUSED on Windows), whatever
// the system calls it.
func TestReadRefusedByValue(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	o := ad.ConnectOptions{URL: "ldap://" + addr, Auth: ad.AuthAnonymous, Timeout: 5 * time.Second}
	_, _, err = ad.Read(context.Background(), o, ad.Filter{})
	wantError(t, err, "connect to ldap://"+addr, "nothing listens there")
	if !netfail.IsRefused(err) {
		t.Errorf("%v: not classified as refused", err)
	}
}
