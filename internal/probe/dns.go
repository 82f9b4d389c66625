package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/exdiag/exdiag/internal/dnsquery"
	"github.com/exdiag/exdiag/internal/netfail"
)

// maxCNAMEs bounds an alias chain, as resolvers do.
const maxCNAMEs = 8

// resolver asks the configured DNS servers directly, so that findings say
// what those servers answer rather than what a local cache remembers.
type resolver struct {
	servers []string
	search  []string
	timeout time.Duration
	// noServers explains an empty server list.
	noServers string
	// answered counts the queries a server answered (not REFUSED).
	answered atomic.Int64
	// silent holds the servers that let a query time out in this run: they
	// are asked last from then on, as the Windows DNS client demotes an
	// unresponsive server, so that a dead first server costs one timeout per
	// run rather than one per query and per alias hop.
	mu     sync.Mutex
	silent map[string]bool
	// local retries a query that failed for want of a local resource.
	local *localFailures
}

// answer is the outcome of one name and record type at the servers.
type answer struct {
	status DNSStatus
	addrs  []netip.Addr
	cnames []string
	server string
	// notes are what each server that did not decide said.
	notes []string
}

// lookup resolves a URL host as a client would: a single-label name goes
// through the search list and the first candidate found wins.
func (r *resolver) lookup(ctx context.Context, host string) *DNSResult {
	names := []string{host}
	if !strings.Contains(host, ".") && len(r.search) > 0 {
		names = names[:0]
		for _, d := range r.search {
			names = append(names, host+"."+strings.ToLower(strings.Trim(d, ".")))
		}
	}
	var best *DNSResult
	for _, n := range names {
		res := r.resolve(ctx, n)
		res.Host = host
		if res.Status == DNSFound {
			return res
		}
		if best == nil || statusRank(res.Status) < statusRank(best.Status) {
			best = res
		}
		best.Name = n
	}
	if len(names) > 1 {
		best.Detail = "searched " + strings.Join(names, ", ") + ": " + best.Detail
	}
	return best
}

// statusRank orders failed outcomes from most to least telling.
func statusRank(s DNSStatus) int {
	switch s {
	case DNSFound:
		return 0
	case DNSNoData:
		return 1
	case DNSNXDomain:
		return 2
	case DNSServFail:
		return 3
	}
	return 4
}

// resolve looks name up for A and AAAA at once.
func (r *resolver) resolve(ctx context.Context, name string) *DNSResult {
	var a, aaaa answer
	var wg sync.WaitGroup
	wg.Go(func() { a = r.chase(ctx, name, dns.TypeA) })
	aaaa = r.chase(ctx, name, dns.TypeAAAA)
	wg.Wait()

	res := &DNSResult{Name: name}
	pick := a
	switch {
	case a.status == DNSFound || aaaa.status == DNSFound:
		res.Status = DNSFound
		res.Addrs = append(append([]netip.Addr{}, a.addrs...), aaaa.addrs...)
		if a.status != DNSFound {
			pick = aaaa
		}
	case statusRank(aaaa.status) < statusRank(a.status):
		pick = aaaa
		res.Status = aaaa.status
	default:
		res.Status = a.status
	}
	res.CNAMEs, res.Server = pick.cnames, pick.server
	res.Detail = r.detail(res, pick)
	for _, x := range []struct {
		qtype string
		answer
	}{{"a", a}, {"aaaa", aaaa}} {
		if res.Status == DNSFound && (x.status == DNSNoAnswer || x.status == DNSServFail) {
			res.Detail += "; the " + x.qtype + " query failed: " + strings.Join(x.notes, "; ")
		}
	}
	return res
}

func (r *resolver) detail(res *DNSResult, x answer) string {
	last := res.Name
	if len(x.cnames) > 0 {
		last = x.cnames[len(x.cnames)-1] + " (alias target of " + res.Name + ")"
	}
	var d string
	switch res.Status {
	case DNSFound:
		d = "answered by " + x.server
	case DNSNXDomain:
		d = x.server + " says " + last + " does not exist"
	case DNSNoData:
		d = x.server + " has no a or aaaa record for " + last
	default:
		if len(r.servers) == 0 {
			return r.noServers
		}
		return "no usable answer: " + strings.Join(x.notes, "; ")
	}
	if len(x.notes) > 0 {
		d += " (" + strings.Join(x.notes, "; ") + ")"
	}
	return d
}

// chase resolves one record type, following the CNAME chain in each answer
// and asking again for the chain's end when the answer stops at an alias.
func (r *resolver) chase(ctx context.Context, name string, qtype uint16) answer {
	var x answer
	seen := map[string]bool{strings.ToLower(dns.Fqdn(name)): true}
	cur := dns.Fqdn(name)
	for {
		msg, server, notes, status := r.exchange(ctx, cur, qtype)
		x.server, x.notes = server, notes
		if msg == nil {
			x.status = status
			return x
		}
		target := cur
		for next := cnameOf(msg.Answer, target); next != ""; next = cnameOf(msg.Answer, target) {
			if seen[strings.ToLower(next)] {
				x.status = DNSServFail
				x.notes = append(x.notes, "cname loop at "+strings.TrimSuffix(next, "."))
				return x
			}
			if len(x.cnames) == maxCNAMEs {
				x.status = DNSServFail
				x.notes = append(x.notes, fmt.Sprintf("cname chain longer than %d", maxCNAMEs))
				return x
			}
			seen[strings.ToLower(next)] = true
			x.cnames = append(x.cnames, strings.ToLower(strings.TrimSuffix(next, ".")))
			target = next
		}
		x.addrs = addrsOf(msg.Answer, target, qtype)
		switch {
		case len(x.addrs) > 0:
			x.status = DNSFound
			return x
		case msg.Rcode == dns.RcodeNameError:
			// RFC 6604: the rcode describes the last name in the chain.
			x.status = DNSNXDomain
			return x
		case target == cur:
			x.status = DNSNoData
			return x
		}
		cur = target
	}
}

func cnameOf(rrs []dns.RR, owner string) string {
	for _, rr := range rrs {
		if c, ok := rr.(*dns.CNAME); ok && strings.EqualFold(c.Hdr.Name, owner) {
			return c.Target
		}
	}
	return ""
}

func addrsOf(rrs []dns.RR, owner string, qtype uint16) []netip.Addr {
	var out []netip.Addr
	for _, rr := range rrs {
		if !strings.EqualFold(rr.Header().Name, owner) {
			continue
		}
		var ip net.IP
		switch v := rr.(type) {
		case *dns.A:
			ip = v.A
		case *dns.AAAA:
			ip = v.AAAA
		}
		if a, ok := netip.AddrFromSlice(ip); ok && rr.Header().Rrtype == qtype {
			out = append(out, a.Unmap())
		}
	}
	return out
}

// exchange asks the servers in order until one gives a decisive answer
// (NOERROR or NXDOMAIN). SERVFAIL, REFUSED and silence move on to the next.
func (r *resolver) exchange(ctx context.Context, name string, qtype uint16) (*dns.Msg, string, []string, DNSStatus) {
	var notes []string
	status, failed := DNSNoAnswer, ""
	for _, s := range r.order() {
		m, err := r.ask(ctx, s, name, qtype)
		switch {
		case err != nil:
			if ctx.Err() == nil && netfail.IsTimeout(err) {
				r.demote(s)
			}
			notes = append(notes, s+": "+r.describe(err))
		case m.Rcode == dns.RcodeSuccess || m.Rcode == dns.RcodeNameError:
			r.answered.Add(1)
			return m, s, notes, ""
		default:
			if m.Rcode != dns.RcodeRefused {
				r.answered.Add(1)
			}
			notes = append(notes, s+": "+strings.ToLower(dns.RcodeToString[m.Rcode]))
			status, failed = DNSServFail, s
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, failed, notes, status
}

// order is the servers to ask: those that answered so far first, in the
// configured order, then those that let a query time out.
func (r *resolver) order() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.silent) == 0 {
		return r.servers
	}
	out := make([]string, 0, len(r.servers))
	for _, s := range r.servers {
		if !r.silent[s] {
			out = append(out, s)
		}
	}
	for _, s := range r.servers {
		if r.silent[s] {
			out = append(out, s)
		}
	}
	return out
}

func (r *resolver) demote(server string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.silent == nil {
		r.silent = map[string]bool{}
	}
	r.silent[server] = true
}

// ask sends one query to one server.
func (r *resolver) ask(ctx context.Context, server, name string, qtype uint16) (*dns.Msg, error) {
	q := new(dns.Msg)
	q.SetQuestion(name, qtype)
	q.RecursionDesired = true
	if r.local == nil {
		return dnsquery.Ask(ctx, server, q, r.timeout)
	}
	var m *dns.Msg
	err := r.local.retry(ctx, func() (err error) {
		m, err = dnsquery.Ask(ctx, server, q, r.timeout)
		return err
	})
	return m, err
}

func (r *resolver) describe(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case netfail.IsTimeout(err):
		return fmt.Sprintf("no answer within %v", r.timeout)
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		err = oe.Err
	}
	return strings.ToLower(err.Error())
}

// normalizeServer turns "ip", "[v6]" and "v6" into ip:port with port 53.
func normalizeServer(s string) string {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.String()
	}
	if a, err := netip.ParseAddr(unbracket(s)); err == nil {
		return netip.AddrPortFrom(a, 53).String()
	}
	return s
}
