package lab

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/miekg/dns"
)

// DNSSpec describes a lab DNS server. It is authoritative for every name:
// what Records do not hold does not exist. It never forwards a query.
type DNSSpec struct {
	// Addr is where to listen on UDP and TCP, on the same port; default
	// "127.0.0.1:0".
	Addr string
	// Records are resource records in presentation format, such as
	// "mail.contoso.com. 300 IN A 127.0.0.1"; names without a final dot
	// are taken as fully qualified.
	Records []string
	// ServFail lists names answered with SERVFAIL, also when reached
	// through a CNAME.
	ServFail []string
	// Silent drops every query: a dead DNS server.
	Silent bool
	// TruncateUDP answers every UDP query with TC=1 and no records, so
	// clients must retry over TCP.
	TruncateUDP bool
}

// DNSServer is a running lab DNS server. Close it when done.
type DNSServer struct {
	zone        *zone
	silent      bool
	truncateUDP bool
	udp, tcp    *dns.Server
	addr        string
	queries     atomic.Int64
	once        sync.Once
	closeErr    error
}

// StartDNS starts a DNS server on UDP and TCP and returns once both listen.
func StartDNS(spec DNSSpec) (*DNSServer, error) {
	z, err := newZone(spec.Records, spec.ServFail)
	if err != nil {
		return nil, err
	}
	if spec.Addr == "" {
		spec.Addr = "127.0.0.1:0"
	}
	pc, ln, err := listenUDPAndTCP(spec.Addr)
	if err != nil {
		return nil, err
	}
	d := &DNSServer{zone: z, silent: spec.Silent, truncateUDP: spec.TruncateUDP, addr: pc.LocalAddr().String()}
	d.udp, err = serveDNS(&dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(d.serve)})
	if err != nil {
		pc.Close()
		ln.Close()
		return nil, err
	}
	d.tcp, err = serveDNS(&dns.Server{Listener: ln, Handler: dns.HandlerFunc(d.serve)})
	if err != nil {
		ln.Close()
		d.udp.Shutdown()
		return nil, err
	}
	return d, nil
}

// Addr is the "ip:port" the server answers on, over both UDP and TCP.
func (d *DNSServer) Addr() string { return d.addr }

// Queries is the number of queries answered (or being answered), over UDP
// and TCP; a Silent server counts those it dropped.
func (d *DNSServer) Queries() int { return int(d.queries.Load()) }

// Close stops the server and waits for its goroutines to end. It is safe to
// call more than once.
func (d *DNSServer) Close() error {
	d.once.Do(func() {
		d.closeErr = errors.Join(d.udp.Shutdown(), d.tcp.Shutdown())
	})
	return d.closeErr
}

func (d *DNSServer) serve(w dns.ResponseWriter, q *dns.Msg) {
	if d.silent {
		d.queries.Add(1)
		return
	}
	if len(q.Question) != 1 {
		return
	}
	m := new(dns.Msg)
	m.SetReply(q)
	m.Authoritative = true
	m.RecursionAvailable = q.RecursionDesired
	_, udp := w.LocalAddr().(*net.UDPAddr)
	if udp && d.truncateUDP {
		m.Truncated = true
	} else {
		question := q.Question[0]
		m.Answer, m.Ns, m.Rcode = d.zone.lookup(question.Name, question.Qtype)
		if udp {
			// RFC 1035 section 4.2.1, RFC 6891 section 6.2.5: over UDP an
			// answer fits the client's buffer (512 bytes without EDNS) or is
			// truncated, so that the client asks again over TCP.
			size := dns.MinMsgSize
			if opt := q.IsEdns0(); opt != nil {
				size = max(size, int(opt.UDPSize()))
			}
			m.Truncate(size)
		}
	}
	// Counted before the reply leaves, so a client that has its answer
	// always sees the count include it.
	d.queries.Add(1)
	w.WriteMsg(m)
}

// listenUDPAndTCP binds UDP first and then TCP on the same port, retrying
// with a new port when the caller let the system choose one that turns out
// to be taken for TCP.
func listenUDPAndTCP(addr string) (net.PacketConn, net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("lab: dns address %q: %w", addr, err)
	}
	for attempt := 0; ; attempt++ {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("lab: listen udp %s: %w", addr, err)
		}
		p := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err == nil {
			return pc, ln, nil
		}
		pc.Close()
		if port != "0" || attempt == 20 {
			return nil, nil, fmt.Errorf("lab: listen tcp %s: %w", addr, err)
		}
	}
}

func serveDNS(srv *dns.Server) (*dns.Server, error) {
	started := make(chan struct{})
	failed := make(chan error, 1)
	srv.NotifyStartedFunc = func() { close(started) }
	go func() { failed <- srv.ActivateAndServe() }()
	select {
	case <-started:
		return srv, nil
	case err := <-failed:
		return nil, fmt.Errorf("lab: dns server: %w", err)
	}
}
