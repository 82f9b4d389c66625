package probe

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
)

// heldListener accepts connections on loopback and never answers: each
// stays open until the client gives up. It counts what it accepted.
type heldListener struct {
	ln       net.Listener
	accepted atomic.Int64
	first    chan struct{} // closed at the first accept
	wg       sync.WaitGroup
}

func listenHeld(t *testing.T) *heldListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &heldListener{ln: ln, first: make(chan struct{})}
	h.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if h.accepted.Add(1) == 1 {
				close(h.first)
			}
			h.wg.Go(func() {
				// Read until the client closes: never a byte back.
				var buf [4096]byte
				for {
					if _, err := c.Read(buf[:]); err != nil {
						c.Close()
						return
					}
				}
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		h.wg.Wait()
	})
	return h
}

// countingDialer counts the connections the prober holds open at once: up
// on a successful dial, down when the prober closes the connection. The
// count is taken where connections are opened and closed, so it is exact;
// the listener sees a close only once the FIN is read, later.
type countingDialer struct {
	open, peak atomic.Int64
}

func (d *countingDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	c, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	n := d.open.Add(1)
	for {
		p := d.peak.Load()
		if n <= p || d.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return &countedConn{Conn: c, d: d}, nil
}

type countedConn struct {
	net.Conn
	d    *countingDialer
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.d.open.Add(-1) })
	return c.Conn.Close()
}

// --concurrency N bounds the connections open at once, servers that never
// answer included: with N=1 and N=3, 3N+2 silent endpoints are each
// connected to once, never more than N at a time, and N at a time is
// reached (the cap is used, not just respected).
func TestConcurrencyBoundsOpenConnections(t *testing.T) {
	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			l := listenHeld(t)
			port := l.ln.Addr().(*net.TCPAddr).Port
			d := &countingDialer{}
			cfg := testConfig(startDNS(t, lab.DNSSpec{}), mustResolve(t, "*:%d:127.0.0.1", port))
			cfg.Concurrency, cfg.Dialer = n, d
			cfg.Timeout = 300 * time.Millisecond // each silent server holds its connection this long
			var urls []string
			for i := range 3*n + 2 {
				urls = append(urls, fmt.Sprintf("https://host%d.contoso.com:%d/", i, port))
			}
			obs := run(t, cfg, urls...)
			for _, h := range obs.Handshakes {
				if h.Err == nil || h.Err.Kind != ErrTimeout {
					t.Fatalf("%s: %v, want a timeout", h.Key.SNI, h.Err)
				}
			}
			if got := l.accepted.Load(); got != int64(len(urls)) {
				t.Errorf("the listener accepted %d connections, want one per endpoint (%d)", got, len(urls))
			}
			if peak := d.peak.Load(); peak != int64(n) {
				t.Errorf("--concurrency %d: %d connections were open at once", n, peak)
			}
			if open := d.open.Load(); open != 0 {
				t.Errorf("%d connections left open after Run", open)
			}
		})
	}
}
