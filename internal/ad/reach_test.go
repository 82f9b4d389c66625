package ad_test

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/lab"
)

// silentDCs listens on n loopback ports that accept connections and never
// answer; it counts the connections accepted, those the client closed,
// and the most open at once.
type silentDCs struct {
	addrs                     []string
	mu                        sync.Mutex
	accepted, closed, maxOpen int
}

func startSilentDCs(t *testing.T, n int) *silentDCs {
	t.Helper()
	s := &silentDCs{}
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait) // after the listeners close
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s.addrs = append(s.addrs, ln.Addr().String())
		wg.Go(func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				s.count(&s.accepted)
				wg.Go(func() {
					defer c.Close()
					_, _ = c.Read(make([]byte, 64<<10)) // the StartTLS request
					var b [1]byte
					for {
						if _, err := c.Read(b[:]); err != nil {
							s.count(&s.closed)
							return
						}
					}
				})
			}
		})
		t.Cleanup(func() { ln.Close() })
	}
	return s
}

func (s *silentDCs) count(n *int) {
	s.mu.Lock()
	*n++
	s.maxOpen = max(s.maxOpen, s.accepted-s.closed)
	s.mu.Unlock()
}

// waitClosed waits until the client has closed every connection it opened.
func (s *silentDCs) waitClosed(t *testing.T) {
	t.Helper()
	for range 1000 {
		s.mu.Lock()
		done := s.accepted == s.closed
		s.mu.Unlock()
		if done {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d connections accepted, %d closed by the client: it leaves some open", s.accepted, s.closed)
}

// dialLog is a mapDialer that records the names dialed.
type dialLog struct {
	mapDialer
	mu     sync.Mutex
	dialed []string
}

func (d *dialLog) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.dialed = append(d.dialed, addr)
	d.mu.Unlock()
	return d.mapDialer.DialContext(ctx, network, addr)
}

// srvDCs names n DCs dc10.contoso.local, dc11…, each with its SRV
// record: the first five at priority 0 with falling weights, the others
// behind them.
func srvDCs(n int) (names, records []string) {
	for i := range n {
		name := fmt.Sprintf("dc%02d.contoso.local", 10+i)
		prio, weight := 10+i, 100
		if i < 5 {
			prio, weight = 0, 100-i
		}
		names = append(names, name+":389")
		records = append(records, fmt.Sprintf("_ldap._tcp.dc._msdcs.contoso.local. 600 IN SRV %d %d 389 %s.", prio, weight, name))
	}
	return names, records
}

// 40 DCs that accept and never answer: a few are tried at a time, in the
// order of their SRV records, and the search ends after two timeouts'
// worth of attempts, not forty.
func TestReachSilentDCs(t *testing.T) {
	silent := startSilentDCs(t, 40)
	names, records := srvDCs(40)
	d := &dialLog{mapDialer: mapDialer{}}
	for i, n := range names {
		d.mapDialer[n] = silent.addrs[i]
	}
	// The DNS server lists the records in reverse: exdiag orders them.
	slices.Reverse(records)
	o := ad.ConnectOptions{Domain: "contoso.local", DNSServers: []string{startDNS(t, lab.DNSSpec{Records: records})},
		Auth: ad.AuthAnonymous, Timeout: 300 * time.Millisecond, Dialer: d}
	done := make(chan error, 1)
	go func() {
		_, _, err := ad.Read(context.Background(), o, ad.Filter{})
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("ad.Read against 40 silent DCs has not returned after a minute")
	}
	e := wantError(t, err, "start TLS with ldap://dc10.contoso.local:389", "no answer in time")
	d.mu.Lock()
	dialed := slices.Clone(d.dialed)
	d.mu.Unlock()
	// At most 4 at once, each lasting a timeout, within 2 timeouts: two
	// rounds, and a third cut short by the deadline.
	if len(dialed) < 4 || len(dialed) > 12 {
		t.Errorf("%d DCs dialed: want 4 to 12 of the 40", len(dialed))
	}
	if got := slices.Sorted(slices.Values(dialed)); !slices.Equal(got, names[:len(dialed)]) {
		t.Errorf("dialed %q: want the first %d in priority and weight order", dialed, len(dialed))
	}
	if want := fmt.Sprintf("(%d of the 40 DCs found were tried within 600ms; none answered)", len(dialed)); !strings.HasSuffix(e.Hint, want) {
		t.Errorf("hint %q: want it to end with %q", e.Hint, want)
	}
	silent.waitClosed(t)
	t.Logf("%d DCs dialed", len(dialed))
}

// Three silent DCs before a working one: all four are tried at once, a
// tenth of a second apart; the working one answers first and is used, the
// silent ones are dropped.
func TestReachFirstAnswerWins(t *testing.T) {
	silent := startSilentDCs(t, 3)
	good := startDC(t, contosoEntries(t), nil)
	names, records := srvDCs(4)
	names[3] = dcName + ":389"
	records[3] = "_ldap._tcp.dc._msdcs.contoso.local. 600 IN SRV 10 100 389 " + dcName + "."
	d := &dialLog{mapDialer: good.dialer}
	for i := range 3 {
		d.mapDialer[names[i]] = silent.addrs[i]
	}
	o := good.opts()
	o.URL, o.Domain, o.DNSServers, o.Dialer = "", "contoso.local", []string{startDNS(t, lab.DNSSpec{Records: records})}, d
	o.Timeout = time.Minute // the silent DCs never time out first
	org, st, err := ad.Read(context.Background(), o, ad.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if st.DC != dcName+":389" || org.Name != "Contoso" {
		t.Errorf("read %q from %s, want Contoso from %s", org.Name, st.DC, dcName)
	}
	d.mu.Lock()
	dialed := slices.Clone(d.dialed)
	d.mu.Unlock()
	if got, want := slices.Sorted(slices.Values(dialed)), slices.Sorted(slices.Values(names)); !slices.Equal(got, want) {
		t.Errorf("dialed %q, want each of %q once", dialed, want)
	}
	silent.waitClosed(t)
	if silent.maxOpen != 3 {
		t.Errorf("at most %d silent DCs were waited for at once: want all three, in parallel", silent.maxOpen)
	}
}
