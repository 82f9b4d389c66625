package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
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

// TestDeadEndpointsShareTheTimeout is the design property of the limiter:
// dead endpoints give up their concurrency slots, so 40 of them with a
// concurrency of 4 cost about one timeout, not 10.
func TestDeadEndpointsShareTheTimeout(t *testing.T) {
	s := startServer(t, lab.ServerSpec{Behavior: lab.Silent})
	cfg := testConfig(startDNS(t, lab.DNSSpec{}), mustResolve(t, "*:%d:127.0.0.1", s.Port()))
	cfg.Timeout = time.Second
	cfg.Concurrency = 4
	var urls []string
	for i := range 40 {
		urls = append(urls, fmt.Sprintf("https://host%d.contoso.com:%d/", i, s.Port()))
	}
	start := time.Now()
	obs := run(t, cfg, urls...)
	elapsed := time.Since(start)
	if obs.Stats.Handshakes != 40 {
		t.Fatalf("%d handshakes", obs.Stats.Handshakes)
	}
	for _, h := range obs.Handshakes {
		if h.Err == nil || h.Err.Kind != ErrTimeout {
			t.Fatalf("%s: %v, want timeout", h.Key.SNI, h.Err)
		}
	}
	if elapsed < cfg.Timeout || elapsed > 3*cfg.Timeout {
		t.Errorf("40 dead endpoints took %v with concurrency 4 and timeout %v; want between 1 and 3 timeouts", elapsed, cfg.Timeout)
	}
}

func TestRunCancel(t *testing.T) {
	s := startServer(t, lab.ServerSpec{Behavior: lab.Silent})
	cfg := testConfig(startDNS(t, lab.DNSSpec{}), mustConnectTo(t, "::%s", s.Addr()))
	cfg.Timeout = 30 * time.Second
	cfg.Concurrency = 1
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	obs := New(cfg).Run(ctx, endpoints("https://a.contoso.com/", "https://b.contoso.com/", "https://c.contoso.com/"))
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("cancelled run took %v", el)
	}
	for _, h := range obs.Handshakes {
		if h.Err == nil {
			t.Errorf("%s: no error after cancel", h.Key.SNI)
		}
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
