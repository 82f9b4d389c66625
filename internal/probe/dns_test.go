package probe

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
)

var contosoZone = []string{
	"mail.contoso.com. 300 IN A 192.0.2.10",
	"mail.contoso.com. 300 IN A 192.0.2.11",
	"mail.contoso.com. 300 IN AAAA 2001:db8::10",
	"autodiscover.contoso.com. 300 IN CNAME owa.contoso.com.",
	"owa.contoso.com. 300 IN CNAME mail.contoso.com.",
	"legacy.contoso.com. 300 IN CNAME gone.contoso.com.",
	"mx.contoso.com. 300 IN MX 10 mail.contoso.com.",
	"loop1.contoso.com. 300 IN CNAME loop2.contoso.com.",
	"loop2.contoso.com. 300 IN CNAME loop1.contoso.com.",
	"ex01.corp.contoso.com. 300 IN A 192.0.2.20",
}

// lookupOne resolves host through Run with a plain URL, so no handshake is made.
func lookupOne(t *testing.T, cfg Config, host string) *DNSResult {
	t.Helper()
	obs := run(t, cfg, "http://"+host+"/")
	res := obs.DNS[obs.Endpoints[0].Target.Host]
	if res == nil {
		t.Fatalf("no dns result for %s", host)
	}
	if !obs.Endpoints[0].Handshake.Zero() || len(obs.Handshakes) != 0 {
		t.Errorf("plain http endpoint got a handshake: %+v", obs.Endpoints[0].Handshake)
	}
	return res
}

// queries waits briefly for d to count want queries: the lab counts an
// answer after sending it, so the client may see it first.
func queries(d *lab.DNSServer, want int) int {
	for deadline := time.Now().Add(time.Second); d.Queries() < want && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	return d.Queries()
}

func addrStrings(as []netip.Addr) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}

func TestDNSStatuses(t *testing.T) {
	d := startDNS(t, lab.DNSSpec{Records: contosoZone, ServFail: []string{"bad.contoso.com."}})
	tests := []struct {
		host   string
		status DNSStatus
		addrs  []string
		cnames []string
		detail string
	}{
		{host: "mail.contoso.com", status: DNSFound, addrs: []string{"192.0.2.10", "192.0.2.11", "2001:db8::10"}, detail: "answered by " + d.Addr()},
		{host: "autodiscover.contoso.com", status: DNSFound, addrs: []string{"192.0.2.10", "192.0.2.11", "2001:db8::10"},
			cnames: []string{"owa.contoso.com", "mail.contoso.com"}},
		{host: "nope.contoso.com", status: DNSNXDomain, detail: d.Addr() + " says nope.contoso.com does not exist"},
		{host: "legacy.contoso.com", status: DNSNXDomain, cnames: []string{"gone.contoso.com"}, detail: "gone.contoso.com (alias target of legacy.contoso.com) does not exist"},
		{host: "mx.contoso.com", status: DNSNoData, detail: "has no a or aaaa record for mx.contoso.com"},
		{host: "bad.contoso.com", status: DNSServFail, detail: d.Addr() + ": servfail"},
		{host: "loop1.contoso.com", status: DNSServFail, cnames: []string{"loop2.contoso.com"}, detail: "cname loop at loop1.contoso.com"},
	}
	for _, tc := range tests {
		res := lookupOne(t, testConfig(d), tc.host)
		if res.Status != tc.status || !slices.Equal(addrStrings(res.Addrs), tc.addrs) ||
			!slices.Equal(res.CNAMEs, tc.cnames) || !strings.Contains(res.Detail, tc.detail) {
			t.Errorf("%s: got %s %v cnames %v %q; want %s %v cnames %v detail containing %q",
				tc.host, res.Status, res.Addrs, res.CNAMEs, res.Detail, tc.status, tc.addrs, tc.cnames, tc.detail)
		}
		if res.Host != tc.host || res.Name != tc.host || tc.status != DNSServFail && res.Server != d.Addr() {
			t.Errorf("%s: host %q name %q server %q", tc.host, res.Host, res.Name, res.Server)
		}
	}
}

func TestDNSOncePerHost(t *testing.T) {
	d := startDNS(t, lab.DNSSpec{Records: contosoZone})
	obs := run(t, testConfig(d), "http://mail.contoso.com/owa", "http://MAIL.contoso.com/ecp", "http://mail.contoso.com./ews", "http://192.0.2.1/")
	if q := queries(d, 2); obs.Stats.DNSLookups != 1 || q != 2 {
		t.Errorf("lookups = %d, queries = %d; want 1 lookup of A and AAAA", obs.Stats.DNSLookups, q)
	}
	if got := obs.DNS["192.0.2.1"]; got == nil || got.Status != DNSSkipped {
		t.Errorf("IP host: %+v, want skipped", got)
	}
	if len(obs.DNS) != 2 || obs.DNS["mail.contoso.com"].Status != DNSFound {
		t.Errorf("DNS = %v", obs.DNS)
	}
	if !slices.Equal(obs.DNSServers, []string{d.Addr()}) {
		t.Errorf("DNSServers = %v", obs.DNSServers)
	}
}

func TestDNSNoAnswer(t *testing.T) {
	d := startDNS(t, lab.DNSSpec{Silent: true})
	cfg := testConfig(d)
	cfg.Timeout = 200 * time.Millisecond
	res := lookupOne(t, cfg, "mail.contoso.com")
	if res.Status != DNSNoAnswer || !strings.Contains(res.Detail, d.Addr()+": no answer within 200ms") {
		t.Errorf("got %s %q, want noanswer naming %s", res.Status, res.Detail, d.Addr())
	}
}

func TestDNSTruncatedRetriesOverTCP(t *testing.T) {
	d := startDNS(t, lab.DNSSpec{Records: contosoZone, TruncateUDP: true})
	res := lookupOne(t, testConfig(d), "autodiscover.contoso.com")
	if res.Status != DNSFound || len(res.Addrs) != 3 {
		t.Errorf("got %s %v %q, want found over tcp", res.Status, res.Addrs, res.Detail)
	}
	if q := queries(d, 4); q != 4 { // A and AAAA, each over UDP (truncated) then TCP
		t.Errorf("queries = %d, want 4", q)
	}
}

func TestDNSSearchList(t *testing.T) {
	d := startDNS(t, lab.DNSSpec{Records: contosoZone})
	cfg := testConfig(d)
	cfg.SearchDomains = []string{"lab.invalid", "corp.contoso.com."}
	res := lookupOne(t, cfg, "EX01")
	if res.Status != DNSFound || res.Host != "ex01" || res.Name != "ex01.corp.contoso.com" || addrStrings(res.Addrs)[0] != "192.0.2.20" {
		t.Errorf("got %+v, want ex01.corp.contoso.com found", res)
	}
	res = lookupOne(t, cfg, "ex02")
	if res.Status != DNSNXDomain || res.Name != "ex02.corp.contoso.com" ||
		!strings.Contains(res.Detail, "searched ex02.lab.invalid, ex02.corp.contoso.com") {
		t.Errorf("got %+v, want nxdomain after searching both domains", res)
	}
}

func TestDNSFirstServerDead(t *testing.T) {
	dead := startDNS(t, lab.DNSSpec{Silent: true})
	good := startDNS(t, lab.DNSSpec{Records: contosoZone})
	cfg := testConfig(good)
	cfg.DNSServers = []string{dead.Addr(), good.Addr()}
	cfg.Timeout = 300 * time.Millisecond
	res := lookupOne(t, cfg, "mail.contoso.com")
	if res.Status != DNSFound || res.Server != good.Addr() ||
		!strings.Contains(res.Detail, dead.Addr()+": no answer within 300ms") {
		t.Errorf("got %s from %s %q; want found at %s after %s timed out", res.Status, res.Server, res.Detail, good.Addr(), dead.Addr())
	}
}

func TestDNSServFailTriesNextServer(t *testing.T) {
	failing := startDNS(t, lab.DNSSpec{ServFail: []string{"mail.contoso.com"}})
	good := startDNS(t, lab.DNSSpec{Records: contosoZone})
	cfg := testConfig(good)
	cfg.DNSServers = []string{failing.Addr(), good.Addr()}
	if res := lookupOne(t, cfg, "mail.contoso.com"); res.Status != DNSFound || res.Server != good.Addr() {
		t.Errorf("got %s from %s %q", res.Status, res.Server, res.Detail)
	}
	cfg.DNSServers = []string{failing.Addr()}
	if res := lookupOne(t, cfg, "mail.contoso.com"); res.Status != DNSServFail || res.Server != failing.Addr() {
		t.Errorf("got %s from %s %q, want servfail", res.Status, res.Server, res.Detail)
	}
}

func TestNormalizeServer(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.1":        "10.0.0.1:53",
		"10.0.0.1:5353":   "10.0.0.1:5353",
		"::1":             "[::1]:53",
		"[::1]":           "[::1]:53",
		"[2001:db8::1]:5": "[2001:db8::1]:5",
	} {
		if got := normalizeServer(in); got != want {
			t.Errorf("normalizeServer(%q) = %q, want %q", in, got, want)
		}
	}
}

// A server that let one query time out is asked last for the rest of the
// run: two lookups after it, with a good server behind it, cost it only the
// first lookup's two queries (A and AAAA), not two more.
func TestDNSDeadServerDemotedForTheRun(t *testing.T) {
	dead := startDNS(t, lab.DNSSpec{Silent: true})
	good := startDNS(t, lab.DNSSpec{Records: contosoZone})
	r := &resolver{servers: []string{dead.Addr(), good.Addr()}, timeout: 2 * time.Second}
	for _, host := range []string{"mail.contoso.com", "owa.contoso.com", "ex01.corp.contoso.com"} {
		if res := r.resolve(context.Background(), host); res.Status != DNSFound || res.Server != good.Addr() {
			t.Errorf("%s: got %s from %s (%s), want found at %s", host, res.Status, res.Server, res.Detail, good.Addr())
		}
	}
	if n := queries(dead, 2); n != 2 {
		t.Errorf("the dead server was asked %d times, want 2 (once per record type, then never again)", n)
	}
}

// Cancelling the run ends a lookup waiting on a server that never answers,
// though the timeout is an hour away.
func TestDNSCancelStopsWaiting(t *testing.T) {
	dead := startDNS(t, lab.DNSSpec{Silent: true})
	r := &resolver{servers: []string{dead.Addr()}, timeout: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *DNSResult, 1)
	go func() { done <- r.resolve(ctx, "mail.contoso.com") }()
	for dead.Queries() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case res := <-done:
		if res.Status != DNSNoAnswer || !strings.Contains(res.Detail, "canceled") {
			t.Errorf("got %s %q, want no answer, canceled", res.Status, res.Detail)
		}
	case <-time.After(time.Minute): // a hang guard, not a measure: the timeout is an hour
		t.Fatal("the lookup still waits for its one-hour timeout after the run was cancelled")
	}
}
