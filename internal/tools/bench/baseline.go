package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
)

// target is one handshake exdiag makes: an address and the SNI sent.
type target struct{ addr, sni string }

// targetsOf lists the distinct handshakes of a generated lab, as exdiag
// makes them: each server's own name, and the shared name
// (mail.contoso.com, every server's ExternalUrl host) probed at each
// server's address.
func targetsOf(l *lab.Lab) []target {
	port := strconv.Itoa(l.Ports[443])
	var ts []target
	for _, s := range l.Scenario.Org.Servers {
		addr := net.JoinHostPort(s.IP, port)
		for _, sni := range []string{s.FQDN(l.Scenario.Org), "mail.contoso.com"} {
			ts = append(ts, target{addr, sni})
		}
	}
	return ts
}

// ceiling is the bare-handshake rate: a minimal Go loop, same endpoints,
// same concurrency, nothing else.
func ceiling(ts []target, conc int, timeout time.Duration) float64 {
	work := make(chan target)
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for t := range work {
				d := &net.Dialer{Timeout: timeout}
				c, err := tls.DialWithDialer(d, "tcp", t.addr, &tls.Config{ServerName: t.sni, InsecureSkipVerify: true})
				if err == nil {
					c.Close()
				}
			}
		})
	}
	for _, t := range ts {
		work <- t
	}
	close(work)
	wg.Wait()
	return float64(len(ts)) / time.Since(start).Seconds()
}

// opensslRate times a sequential shell loop of openssl s_client over the
// first n targets: what an admin scripting the check by hand would run.
func opensslRate(ts []target, n int) float64 {
	if _, err := exec.LookPath("openssl"); err != nil || n == 0 {
		return 0
	}
	n = min(n, len(ts))
	var script strings.Builder
	for _, t := range ts[:n] {
		fmt.Fprintf(&script, "openssl s_client -connect %s -servername %s </dev/null >/dev/null 2>&1\n", t.addr, t.sni)
	}
	start := time.Now()
	if err := exec.Command("sh", "-c", script.String()).Run(); err != nil {
		return 0
	}
	return float64(n) / time.Since(start).Seconds()
}
