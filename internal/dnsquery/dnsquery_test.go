package dnsquery_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/exdiag/exdiag/internal/dnsquery"
	"github.com/exdiag/exdiag/internal/lab"
)

func question(name string) *dns.Msg {
	q := new(dns.Msg)
	q.SetQuestion(name, dns.TypeA)
	return q
}

func start(t *testing.T, spec lab.DNSSpec) *lab.DNSServer {
	t.Helper()
	d, err := lab.StartDNS(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestAskRetriesTruncatedOverTCP(t *testing.T) {
	d := start(t, lab.DNSSpec{TruncateUDP: true, Records: []string{"mail.contoso.com. 300 IN A 192.0.2.10"}})
	m, err := dnsquery.Ask(context.Background(), d.Addr(), question("mail.contoso.com."), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if m.Truncated || len(m.Answer) != 1 {
		t.Errorf("got truncated=%v and %d answers, want the full answer over tcp", m.Truncated, len(m.Answer))
	}
	if n := d.Queries(); n != 2 {
		t.Errorf("the server saw %d queries, want 2 (udp, then tcp)", n)
	}
}

func TestAskTimesOut(t *testing.T) {
	d := start(t, lab.DNSSpec{Silent: true})
	_, err := dnsquery.Ask(context.Background(), d.Addr(), question("mail.contoso.com."), 200*time.Millisecond)
	var ne interface{ Timeout() bool }
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("got %v, want a timeout", err)
	}
}

// A cancelled context ends the wait though the timeout is an hour away.
func TestAskCancelled(t *testing.T) {
	d := start(t, lab.DNSSpec{Silent: true})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := dnsquery.Ask(ctx, d.Addr(), question("mail.contoso.com."), time.Hour)
		errc <- err
	}()
	for d.Queries() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	case <-time.After(time.Minute): // a hang guard, not a measure
		t.Fatal("Ask still waits for its one-hour timeout after cancel")
	}
}
