package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/exdiag/exdiag/internal/netfail"
)

// maxFetchBytes bounds what one CRL, OCSP answer or CA certificate fetch
// may read: enterprise CRLs run to a few megabytes.
const maxFetchBytes = 32 << 20

// fetched is the outcome of one HTTP fetch.
type fetched struct {
	body []byte
	// err says why there is no body, in a user's words.
	err error
}

// fetcher fetches the URLs certificates point at (CRL distribution points,
// OCSP responders, CA issuers) as clients do, over the prober's own DNS
// view, pins and dialer, each URL at most once per run: thousands of
// endpoints share one CRL.
type fetcher struct {
	p      *Prober
	client *http.Client
	mu     sync.Mutex
	cache  map[string]*fetchCall
	// fetches counts the network fetches made (for --stats and tests).
	fetches int
}

type fetchCall struct {
	done chan struct{}
	res  fetched
}

func newFetcher(p *Prober) *fetcher {
	f := &fetcher{p: p, cache: map[string]*fetchCall{}}
	f.client = &http.Client{
		Transport: &http.Transport{
			DialContext: f.dial,
			// Proxies are not used: exdiag observes the network as the
			// server's clients meet it directly, as its TLS probes do.
			Proxy:                 nil,
			TLSClientConfig:       &tls.Config{InsecureSkipVerify: true}, // a CRL or OCSP answer is verified by its signature
			TLSHandshakeTimeout:   p.timeout,
			ResponseHeaderTimeout: p.timeout,
			MaxIdleConnsPerHost:   4,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("more than 3 redirects")
			}
			return nil
		},
	}
	return f
}

// get fetches url (GET), or returns the result of the fetch already made.
func (f *fetcher) get(ctx context.Context, rawURL string) fetched {
	return f.do(ctx, "GET "+rawURL, func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	})
}

// post sends body to url with the content type (an OCSP request).
func (f *fetcher) post(ctx context.Context, rawURL, contentType string, body []byte) fetched {
	return f.do(ctx, "POST "+rawURL+" "+string(body), func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, strings.NewReader(string(body)))
		if err == nil {
			req.Header.Set("Content-Type", contentType)
		}
		return req, err
	})
}

func (f *fetcher) do(ctx context.Context, key string, build func(context.Context) (*http.Request, error)) fetched {
	f.mu.Lock()
	if c, ok := f.cache[key]; ok {
		f.mu.Unlock()
		select {
		case <-c.done:
			return c.res
		case <-ctx.Done():
			return fetched{err: ctx.Err()}
		}
	}
	c := &fetchCall{done: make(chan struct{})}
	f.cache[key] = c
	f.fetches++
	f.mu.Unlock()
	f.p.limit.do(ctx, func() { c.res = f.fetch(ctx, build) })
	close(c.done)
	return c.res
}

func (f *fetcher) fetch(ctx context.Context, build func(context.Context) (*http.Request, error)) fetched {
	ctx, cancel := context.WithTimeout(ctx, f.p.timeout)
	defer cancel()
	req, err := build(ctx)
	if err != nil {
		return fetched{err: fmt.Errorf("not a url exdiag can fetch: %w", err)}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fetched{err: fmt.Errorf("%s urls are not fetched", req.URL.Scheme)}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if netfail.IsTimeout(err) {
			return fetched{err: fmt.Errorf("no answer within %v", f.p.timeout)}
		}
		return fetched{err: errors.New(cause(err))}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fetched{err: fmt.Errorf("http %d", resp.StatusCode)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxFetchBytes+1))
	switch {
	case err != nil:
		return fetched{err: errors.New(cause(err))}
	case len(body) > maxFetchBytes:
		return fetched{err: fmt.Errorf("more than %d MB", maxFetchBytes>>20)}
	}
	return fetched{body: body}
}

// dial connects as a probe would: --resolve and --connect-to apply, and
// names resolve at the DNS servers in use.
func (f *fetcher) dial(ctx context.Context, network, address string) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, err
	}
	t := Target{Host: strings.ToLower(host), Port: port}
	lookups := map[string]*DNSResult{}
	if !t.IsIP() {
		if _, pinned := f.p.pinFor(t.Host, port); !pinned {
			lookups[t.Host] = f.p.resolver.lookup(ctx, t.Host)
		} else if rule, _ := f.p.pinFor(t.Host, port); rule.ConnectTo {
			if h, _ := f.p.connectTarget(rule, t); !isIP(h) {
				lookups[h] = f.p.resolver.lookup(ctx, h)
			}
		}
	}
	addr, _, detail := f.p.address(t, lookups)
	switch {
	case detail != "":
		return nil, errors.New(detail)
	case addr == "":
		if r := lookups[t.Host]; r != nil {
			return nil, fmt.Errorf("%s does not resolve (%s)", t.Host, r.Status)
		}
		return nil, fmt.Errorf("%s has no address", t.Host)
	}
	var conn net.Conn
	err = f.p.local.retry(ctx, func() (err error) {
		conn, err = f.p.dialer.DialContext(ctx, network, addr)
		return err
	})
	if err == nil {
		if dl, ok := ctx.Deadline(); ok {
			conn.SetDeadline(dl)
		} else {
			conn.SetDeadline(time.Now().Add(f.p.timeout))
		}
	}
	return conn, err
}
