package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
)

func TestRunRecordsEachEndpoint(t *testing.T) {
	p := newPKI(t)
	s := startServer(t, lab.ServerSpec{Certs: map[string]tls.Certificate{"": p.leaf(t, "mail.contoso.com")}})
	d := startDNS(t, lab.DNSSpec{Records: contosoZone})
	cfg := testConfig(d,
		mustResolve(t, "mail.contoso.com:443:127.0.0.2"), // first match wins: the next rule never applies
		mustConnectTo(t, "::%s", s.Addr()))
	urls := []string{"ftp://mail.contoso.com/", "http://autodiscover.contoso.com/", "https://mail.contoso.com/owa", "https://owa.contoso.com/owa"}
	obs := run(t, cfg, urls...)
	if len(obs.Endpoints) != len(urls) {
		t.Fatalf("%d endpoints", len(obs.Endpoints))
	}
	for i, eo := range obs.Endpoints {
		if eo.Endpoint.URL != urls[i] {
			t.Errorf("endpoint %d is %s, want %s", i, eo.Endpoint.URL, urls[i])
		}
	}
	if eo := obs.Endpoints[0]; !errors.Is(eo.ParseErr, ErrBadURL) || !eo.Handshake.Zero() || eo.Pin != "" {
		t.Errorf("bad URL: %+v", eo)
	}
	if eo := obs.Endpoints[1]; eo.ParseErr != nil || !eo.Handshake.Zero() || obs.DNS["autodiscover.contoso.com"].Status != DNSFound {
		t.Errorf("plain http: %+v", eo)
	}
	if eo := obs.Endpoints[2]; eo.Pin != "resolve" || eo.Handshake.Address != "127.0.0.2:443" {
		t.Errorf("resolve pin: %+v", eo)
	}
	if eo := obs.Endpoints[3]; eo.Pin != "connect-to" || eo.Handshake.Address != s.Addr() || obs.Handshakes[eo.Handshake].Err != nil {
		t.Errorf("connect-to pin: %+v", eo)
	}
	if obs.Stats.DNSLookups != 3 || obs.Stats.Handshakes != 2 || obs.Stats.DNSTime <= 0 || obs.Stats.TLSTime <= 0 {
		t.Errorf("stats %+v", obs.Stats)
	}
}

// Cancelling a run ends the handshake in progress and starts no other:
// with one slot and three silent endpoints, the listener sees exactly one
// connection and every handshake records the cancellation.
func TestRunCancel(t *testing.T) {
	l := listenHeld(t)
	cfg := testConfig(startDNS(t, lab.DNSSpec{}), mustConnectTo(t, "::%s", l.ln.Addr()))
	cfg.Timeout = time.Hour // only the cancellation can end the run
	cfg.Concurrency = 1
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-l.first
		cancel()
	}()
	obs := New(cfg).Run(ctx, endpoints("https://a.contoso.com/", "https://b.contoso.com/", "https://c.contoso.com/"))
	if len(obs.Handshakes) != 3 {
		t.Fatalf("%d handshakes, want 3", len(obs.Handshakes))
	}
	for _, h := range obs.Handshakes {
		if h.Err == nil || !strings.HasSuffix(h.Err.Detail, "canceled") {
			t.Errorf("%s: %v, want a cancellation", h.Key.SNI, h.Err)
		}
	}
	if n := l.accepted.Load(); n != 1 {
		t.Errorf("the listener accepted %d connections; after the cancellation no handshake may start", n)
	}
}

// BenchmarkHandshakes measures a Run of 50 distinct handshakes against one
// loopback server (make bench).
func BenchmarkHandshakes(b *testing.B) {
	p := newPKI(b)
	s := startServer(b, lab.ServerSpec{Certs: map[string]tls.Certificate{"": p.leaf(b, "mail.contoso.com")}})
	cfg := testConfig(startDNS(b, lab.DNSSpec{}), mustResolve(b, "*:%d:127.0.0.1", s.Port()))
	cfg.Roots = p.roots
	var urls []string
	for i := range 50 {
		urls = append(urls, fmt.Sprintf("https://host%d.contoso.com:%d/", i, s.Port()))
	}
	prober := New(cfg)
	for b.Loop() {
		obs := prober.Run(context.Background(), endpoints(urls...))
		if obs.Stats.Handshakes != len(urls) {
			b.Fatalf("%d handshakes", obs.Stats.Handshakes)
		}
	}
	b.ReportMetric(float64(b.N*len(urls))/b.Elapsed().Seconds(), "handshakes/s")
}
