// Package dnsquery asks one DNS server one question, the way both the
// directory locator (ad) and the prober (probe) need it: over UDP, again over
// TCP when the answer is truncated, within a timeout, and at once when the
// run is cancelled.
package dnsquery

import (
	"context"
	"time"

	"github.com/miekg/dns"
)

// Ask sends q to server (ip:port) and returns its answer. Each attempt
// (UDP, then TCP if the UDP answer is truncated) waits at most timeout; a
// cancelled ctx ends the wait at once with ctx's error.
func Ask(ctx context.Context, server string, q *dns.Msg, timeout time.Duration) (*dns.Msg, error) {
	m, err := try(ctx, "udp", server, q, timeout)
	if m != nil && m.Truncated {
		m, err = try(ctx, "tcp", server, q, timeout)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

func try(ctx context.Context, network, server string, q *dns.Msg, timeout time.Duration) (*dns.Msg, error) {
	qctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := &dns.Client{Net: network, Timeout: timeout}
	conn, err := c.DialContext(qctx, server)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	defer conn.Close()
	// miekg/dns honours a context's deadline but not its cancellation: a
	// cancelled run (Ctrl-C) wakes the blocked read at once.
	stop := context.AfterFunc(qctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	m, _, err := c.ExchangeWithConnContext(qctx, q, conn)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return m, err
}
