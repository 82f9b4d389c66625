// Package probe observes the network as Exchange clients meet it: it looks
// each URL's host name up at the DNS servers in use and makes one TLS
// handshake per distinct (address, SNI, protocol), recording what it saw.
// Judging what was seen is diag's job.
package probe

import (
	"context"
	"crypto/x509"
	"maps"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exdiag/exdiag/internal/inventory"
)

// Dialer is how the prober opens TCP connections (injected; tests and the lab may wrap it).
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Config configures a Prober.
type Config struct {
	// DNSServers are ip:port, ip or [v6] (port 53 is added); empty means the
	// system's (SystemDNS).
	DNSServers []string
	// SearchDomains complete single-label host names; nil means the system's.
	SearchDomains []string
	// Pins are --resolve and --connect-to rules in flag order; the first match wins.
	Pins []Pin
	// Roots verify served chains; nil means the system roots.
	Roots *x509.CertPool
	// Timeout bounds each network exchange: one DNS query, or one
	// dial + STARTTLS + TLS handshake.
	Timeout time.Duration
	// Concurrency is the most exchanges in progress at once, each from
	// its start to its end: DNS lookups, connections (dial, STARTTLS,
	// handshake), CRL, OCSP and AIA fetches. A server that never answers
	// holds its place until Timeout. DefaultConcurrency if <= 0.
	Concurrency int
	// Now is the clock chains are verified against; nil means time.Now.
	Now func() time.Time
	// Dialer opens TCP connections; nil means a net.Dialer.
	Dialer Dialer
	// Progress, when set, is told how far each phase is ("dns", "tls");
	// it is called from many goroutines and must be cheap.
	Progress func(phase string, done, total int)
	// NoRevocation skips fetching CRLs and OCSP answers (air-gapped runs).
	NoRevocation bool
	// DirectoryCRLs are the CRLs read from the directory (CN=CDP,CN=Public
	// Key Services), by lower-case DN, for ldap:/// distribution points.
	DirectoryCRLs map[string][]byte
	// InternalDomains are DNS suffixes only clients inside the network
	// resolve (the AD DNS domain): distribution points there are out of
	// reach of phones and of laptops outside.
	InternalDomains []string
}

// Prober observes DNS and TLS for a list of endpoints.
type Prober struct {
	cfg      Config
	timeout  time.Duration
	dialer   Dialer
	now      func() time.Time
	resolver *resolver
	limit    *limiter
	trust    trustCache
	local    *localFailures
}

// DefaultConcurrency is --concurrency's default. Each server that never
// answers holds a place for the whole --timeout, so D of them cost about
// ceil(D/N) timeouts: 128 keeps an organisation with hundreds of dead
// servers to a few timeouts, and lets handshakes to distant servers (each
// a few round trips) overlap; on two shared cores with the servers in the
// same process, 32 was about 20% faster (README, Speed and scale).
const DefaultConcurrency = 128

// defaultTimeout applies when Config.Timeout is not set.
const defaultTimeout = 10 * time.Second

// New returns a prober for cfg. It reads the system DNS configuration when
// cfg leaves the servers or the search list unset.
func New(cfg Config) *Prober {
	p := &Prober{cfg: cfg, timeout: cfg.Timeout, dialer: cfg.Dialer, now: cfg.Now}
	if p.timeout <= 0 {
		p.timeout = defaultTimeout
	}
	if p.dialer == nil {
		p.dialer = &net.Dialer{}
	}
	if p.now == nil {
		p.now = time.Now
	}
	conc := cfg.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	if budget := openFileBudget(); budget >= 0 {
		// Never more exchanges than descriptors left: each may hold two,
		// its own and, when the servers run in this process (exdiag demo),
		// the accepted end; a few stay free for the directory and output.
		conc = max(1, min(conc, (budget-16)/2))
	}
	p.limit = newLimiter(conc)
	p.local = &localFailures{concurrency: conc}

	r := &resolver{search: cfg.SearchDomains, timeout: p.timeout, local: p.local}
	for _, s := range cfg.DNSServers {
		r.servers = append(r.servers, normalizeServer(s))
	}
	if len(r.servers) == 0 || r.search == nil {
		servers, search, err := SystemDNS()
		if len(r.servers) == 0 {
			r.servers = servers
			if err != nil {
				r.noServers = "no dns servers: " + err.Error()
			} else {
				r.noServers = "no dns servers are configured on this machine"
			}
		}
		if r.search == nil {
			r.search = search
		}
	}
	p.resolver = r
	return p
}

// Run observes every endpoint. It never fails as a whole: each problem is
// recorded in the observation it concerns. Cancelling ctx cuts the probes short.
//
// servers adds per-server probes of shared names (PlanServerProbes). The
// observations point into endpoints: the caller must not change them after.
func (p *Prober) Run(ctx context.Context, endpoints []inventory.Endpoint, servers ...ServerProbe) *Observations {
	obs := &Observations{
		Endpoints:  make([]EndpointObservation, len(endpoints)),
		DNS:        map[string]*DNSResult{},
		Handshakes: map[HandshakeKey]*Handshake{},
		DNSServers: slices.Clone(p.resolver.servers),
	}
	// names to look up: URL hosts, plus --connect-to hosts given as names.
	names := map[string]bool{}
	for i := range endpoints {
		ep := &endpoints[i]
		eo := &obs.Endpoints[i]
		eo.Endpoint = ep
		eo.Target, eo.ParseErr = ParseTarget(ep.URL)
		if eo.ParseErr != nil {
			continue
		}
		t := eo.Target
		if t.IsIP() {
			obs.DNS[t.Host] = &DNSResult{Host: t.Host, Name: t.Host, Status: DNSSkipped}
		} else {
			names[t.Host] = true
		}
		if pin, ok := p.pinFor(t.Host, t.Port); ok && !t.Plain && pin.ConnectTo {
			if h, port := p.connectTarget(pin, t); !isIP(h) {
				if _, ok := p.resolvePin(h, port); !ok {
					names[h] = true
				}
			}
		}
	}

	for _, sp := range servers {
		if !isIP(sp.Via) {
			names[sp.Via] = true
		}
	}

	lookups := p.lookupAll(ctx, obs, slices.Sorted(maps.Keys(names)))

	var keys []HandshakeKey
	for i := range obs.Endpoints {
		eo := &obs.Endpoints[i]
		if eo.ParseErr != nil {
			continue
		}
		t := eo.Target
		if res, ok := lookups[t.Host]; ok {
			obs.DNS[t.Host] = res
		}
		if t.Plain {
			continue
		}
		addr, pin, errDetail := p.address(t, lookups)
		if addr == "" {
			continue
		}
		eo.Pin = pin
		eo.Handshake = HandshakeKey{Address: addr, SNI: t.Host, StartTLS: t.StartTLS}
		if t.IsIP() {
			eo.Handshake.SNI = ""
		}
		if _, dup := obs.Handshakes[eo.Handshake]; dup {
			continue
		}
		if errDetail != "" {
			obs.Handshakes[eo.Handshake] = &Handshake{Key: eo.Handshake, Err: &ConnError{Kind: ErrUnreachable, Detail: errDetail}}
			continue
		}
		obs.Handshakes[eo.Handshake] = nil // placeholder for dedup; filled below
		keys = append(keys, eo.Handshake)
	}
	keys = append(keys, p.planServers(obs, servers, lookups)...)
	p.handshakeAll(ctx, obs, keys)
	p.certificates(ctx, obs)
	// The names a fix may move clients to are observed now, so that
	// judging and fixing need no more of the network.
	p.resolveCertNames(ctx, obs)
	obs.Stats.DNSAnswers = int(p.resolver.answered.Load())
	obs.Local = p.local.err()
	return obs
}

// certificates completes chains that lack an intermediate through AIA and
// asks each certificate's CRL distribution points and OCSP responders, as
// Windows does after the handshake.
func (p *Prober) certificates(ctx context.Context, obs *Observations) {
	start := time.Now()
	f := newFetcher(p)
	p.completeChains(ctx, obs, f)
	if !p.cfg.NoRevocation {
		p.checkRevocation(ctx, obs, f)
	}
	obs.Stats.Fetches = f.fetches
	obs.Stats.FetchTime = time.Since(start)
}

// lookupAll looks each name up once, concurrently.
func (p *Prober) lookupAll(ctx context.Context, obs *Observations, names []string) map[string]*DNSResult {
	start := time.Now()
	results := make([]*DNSResult, len(names))
	var wg sync.WaitGroup
	var done atomic.Int64
	for i, name := range names {
		held := p.limit.acquire(ctx)
		wg.Go(func() {
			p.limit.run(held, func() { results[i] = p.resolver.lookup(ctx, name) })
			p.progress("dns", int(done.Add(1)), len(names))
		})
	}
	wg.Wait()
	out := make(map[string]*DNSResult, len(names))
	for i, name := range names {
		out[name] = results[i]
	}
	obs.Stats.DNSLookups += len(names)
	obs.Stats.DNSTime += time.Since(start)
	return out
}

// handshakeAll makes one handshake per key, concurrently; one failure never
// cancels the others.
func (p *Prober) handshakeAll(ctx context.Context, obs *Observations, keys []HandshakeKey) {
	start := time.Now()
	done := make([]*Handshake, len(keys))
	var finished atomic.Int64
	var wg sync.WaitGroup
	for i, key := range keys {
		// The goroutine starts once it has a slot: 10,000 handshakes must
		// not be 10,000 goroutines waiting, each with its stack.
		held := p.limit.acquire(ctx)
		wg.Go(func() {
			p.limit.run(held, func() {
				h := p.handshake(ctx, key)
				h.Trust = p.trust.verify(h.Chain, p.cfg.Roots, p.now())
				done[i] = h
			})
			p.progress("tls", int(finished.Add(1)), len(keys))
		})
	}
	wg.Wait()
	for _, h := range done {
		obs.Handshakes[h.Key] = h
	}
	obs.Stats.Handshakes = len(keys)
	obs.Stats.TLSTime = time.Since(start)
}

func (p *Prober) progress(phase string, done, total int) {
	if p.cfg.Progress != nil {
		p.cfg.Progress(phase, done, total)
	}
}

// limiter bounds the exchanges in progress: at most n at once, each
// holding its slot from start to end.
type limiter struct{ slots chan struct{} }

func newLimiter(n int) *limiter { return &limiter{slots: make(chan struct{}, n)} }

// do runs f holding a slot. When ctx is done before a slot is free, f runs
// without one, so that it records the cancellation without using the
// network (every exchange checks ctx before it dials or sends).
func (l *limiter) do(ctx context.Context, f func()) { l.run(l.acquire(ctx), f) }

// acquire waits for a slot; false means ctx ended first. Callers that
// start a goroutine per task call it before starting one, so that waiting
// tasks cost no goroutine (10,000 handshakes are not 10,000 stacks).
func (l *limiter) acquire(ctx context.Context) bool {
	select {
	case l.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// run runs f, then frees the slot acquire took (held).
func (l *limiter) run(held bool, f func()) {
	if held {
		defer func() { <-l.slots }()
	}
	f()
}
