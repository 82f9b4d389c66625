package lab

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

var contosoRecordsForTest = []string{
	"mail.contoso.com. 300 IN A 127.0.0.1",
	"mail.contoso.com. 300 IN AAAA ::1",
	"autodiscover.contoso.com. 300 IN CNAME mail.contoso.com.",
	"owa.contoso.com. 300 IN CNAME Autodiscover.Contoso.com.",
	"_autodiscover._tcp.contoso.com. 300 IN SRV 0 0 443 mail.contoso.com.",
	"loop1.contoso.com. 300 IN CNAME loop2.contoso.com.",
	"loop2.contoso.com. 300 IN CNAME loop1.contoso.com.",
	"dangling.contoso.com. 300 IN CNAME gone.contoso.com.",
	"legacy.contoso.com. 300 IN CNAME broken.contoso.com.",
}

func startDNSForTest(t *testing.T, spec DNSSpec) *DNSServer {
	t.Helper()
	d, err := StartDNS(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func queryForTest(t *testing.T, d *DNSServer, network, name string, qtype uint16) *dns.Msg {
	t.Helper()
	c := &dns.Client{Net: network, Timeout: 2 * time.Second}
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	m.RecursionDesired = true
	r, _, err := c.Exchange(m, d.Addr())
	if err != nil {
		t.Fatalf("%s %s over %s: %v", name, dns.TypeToString[qtype], network, err)
	}
	return r
}

// answerForTest renders the answer section as "type data" lines.
func answerForTest(r *dns.Msg) string {
	var lines []string
	for _, rr := range r.Answer {
		h := rr.Header()
		lines = append(lines, dns.TypeToString[h.Rrtype]+" "+strings.TrimPrefix(rr.String(), h.String()))
	}
	return strings.Join(lines, "; ")
}

func TestDNSAnswers(t *testing.T) {
	d := startDNSForTest(t, DNSSpec{Records: contosoRecordsForTest, ServFail: []string{"broken.contoso.com"}})
	tests := []struct {
		name       string
		qtype      uint16
		wantRcode  int
		wantAnswer string
		wantSOA    bool
	}{
		{"mail.contoso.com.", dns.TypeA, dns.RcodeSuccess, "A 127.0.0.1", false},
		{"MAIL.Contoso.COM.", dns.TypeAAAA, dns.RcodeSuccess, "AAAA ::1", false},
		{"owa.contoso.com.", dns.TypeA, dns.RcodeSuccess,
			"CNAME Autodiscover.Contoso.com.; CNAME mail.contoso.com.; A 127.0.0.1", false},
		{"autodiscover.contoso.com.", dns.TypeCNAME, dns.RcodeSuccess, "CNAME mail.contoso.com.", false},
		{"_autodiscover._tcp.contoso.com.", dns.TypeSRV, dns.RcodeSuccess, "SRV 0 0 443 mail.contoso.com.", false},
		{"mail.contoso.com.", dns.TypeTXT, dns.RcodeSuccess, "", true},
		{"_tcp.contoso.com.", dns.TypeSRV, dns.RcodeSuccess, "", true},
		{"nosuch.contoso.com.", dns.TypeA, dns.RcodeNameError, "", true},
		{"www.example.org.", dns.TypeA, dns.RcodeNameError, "", true},
		{"loop1.contoso.com.", dns.TypeA, dns.RcodeSuccess, "CNAME loop2.contoso.com.; CNAME loop1.contoso.com.", false},
		{"dangling.contoso.com.", dns.TypeA, dns.RcodeNameError, "CNAME gone.contoso.com.", true},
		{"broken.contoso.com.", dns.TypeA, dns.RcodeServerFailure, "", false},
		{"legacy.contoso.com.", dns.TypeA, dns.RcodeServerFailure, "", false},
	}
	for _, network := range []string{"udp", "tcp"} {
		for _, tt := range tests {
			r := queryForTest(t, d, network, tt.name, tt.qtype)
			q := network + " " + tt.name + " " + dns.TypeToString[tt.qtype]
			if r.Rcode != tt.wantRcode || !r.Authoritative {
				t.Errorf("%s: rcode %s, aa %v; want %s, true", q, dns.RcodeToString[r.Rcode], r.Authoritative, dns.RcodeToString[tt.wantRcode])
			}
			if got := answerForTest(r); got != tt.wantAnswer {
				t.Errorf("%s: answer %q, want %q", q, got, tt.wantAnswer)
			}
			if gotSOA := len(r.Ns) == 1 && r.Ns[0].Header().Rrtype == dns.TypeSOA; gotSOA != tt.wantSOA {
				t.Errorf("%s: authority %v, want SOA: %v", q, r.Ns, tt.wantSOA)
			}
		}
	}
	if n := d.Queries(); n != 2*len(tests) {
		t.Errorf("Queries() = %d, want %d", n, 2*len(tests))
	}
}

func TestDNSLongCNAMEChainStops(t *testing.T) {
	var records []string
	for i := range 20 {
		records = append(records, fmt.Sprintf("c%d.contoso.com. 60 IN CNAME c%d.contoso.com.", i, i+1))
	}
	d := startDNSForTest(t, DNSSpec{Records: records})
	r := queryForTest(t, d, "udp", "c0.contoso.com.", dns.TypeA)
	if r.Rcode != dns.RcodeSuccess || len(r.Answer) != maxCNAMEChain {
		t.Errorf("rcode %s with %d answers, want NOERROR with %d", dns.RcodeToString[r.Rcode], len(r.Answer), maxCNAMEChain)
	}
}

func TestDNSSilent(t *testing.T) {
	d := startDNSForTest(t, DNSSpec{Records: contosoRecordsForTest, Silent: true})
	for _, network := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: network, Timeout: 300 * time.Millisecond}
		m := new(dns.Msg).SetQuestion("mail.contoso.com.", dns.TypeA)
		if _, _, err := c.Exchange(m, d.Addr()); !timedOutForTest(err) {
			t.Errorf("%s: error %v, want a timeout", network, err)
		}
	}
	// Counted though dropped: tests count what a dead server was asked.
	if n := d.Queries(); n != 2 {
		t.Errorf("Queries() = %d, want 2", n)
	}
}

func TestDNSTruncateUDP(t *testing.T) {
	d := startDNSForTest(t, DNSSpec{Records: contosoRecordsForTest, TruncateUDP: true})
	r := queryForTest(t, d, "udp", "owa.contoso.com.", dns.TypeA)
	if !r.Truncated || len(r.Answer) != 0 {
		t.Errorf("UDP: TC %v with %d answers, want TC and none", r.Truncated, len(r.Answer))
	}
	r = queryForTest(t, d, "tcp", "owa.contoso.com.", dns.TypeA)
	if r.Truncated || len(r.Answer) != 3 {
		t.Errorf("TCP: TC %v with %d answers, want no TC and 3", r.Truncated, len(r.Answer))
	}
}

func TestDNSRejectsBadRecord(t *testing.T) {
	if d, err := StartDNS(DNSSpec{Records: []string{"mail.contoso.com. IN A not-an-ip"}}); err == nil {
		d.Close()
		t.Fatal("StartDNS accepted a malformed record")
	}
}

func TestDNSCloseIsIdempotentAndEndsEveryGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	d, err := StartDNS(DNSSpec{Silent: true})
	if err != nil {
		t.Fatal(err)
	}
	c := &dns.Client{Net: "tcp", Timeout: 200 * time.Millisecond}
	c.Exchange(new(dns.Msg).SetQuestion("mail.contoso.com.", dns.TypeA), d.Addr())
	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	d.Close()
	for deadline := time.Now().Add(2 * time.Second); runtime.NumGoroutine() > before; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after Close, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An answer larger than 512 bytes is truncated over UDP, as a real server
// does, and whole over TCP.
func TestDNSTruncatesLargeUDPAnswers(t *testing.T) {
	var records []string
	for i := range 40 {
		records = append(records, fmt.Sprintf("_ldap._tcp.dc._msdcs.contoso.com. 600 IN SRV 0 100 389 dc%02d.contoso.com.", i))
	}
	d := startDNSForTest(t, DNSSpec{Records: records})
	udp := queryForTest(t, d, "udp", "_ldap._tcp.dc._msdcs.contoso.com.", dns.TypeSRV)
	if !udp.Truncated || len(udp.Answer) >= 40 {
		t.Errorf("udp: truncated %v with %d answers, want truncated", udp.Truncated, len(udp.Answer))
	}
	udp.Compress = true
	if b, _ := udp.Pack(); len(b) > dns.MinMsgSize {
		t.Errorf("udp answer of %d bytes, over %d", len(b), dns.MinMsgSize)
	}
	if tcp := queryForTest(t, d, "tcp", "_ldap._tcp.dc._msdcs.contoso.com.", dns.TypeSRV); tcp.Truncated || len(tcp.Answer) != 40 {
		t.Errorf("tcp: truncated %v with %d answers, want all 40", tcp.Truncated, len(tcp.Answer))
	}
}
