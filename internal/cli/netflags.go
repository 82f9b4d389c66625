package cli

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"

	"github.com/exdiag/exdiag/internal/probe"
)

// proberConfig turns the network flags into the prober's configuration.
func (o *CheckOptions) proberConfig() (probe.Config, error) {
	now, err := o.clock()
	if err != nil {
		return probe.Config{}, err
	}
	cfg := probe.Config{Timeout: o.Timeout, Concurrency: o.Concurrency, Now: now, Dialer: o.Dialer}
	for _, s := range o.DNSServers {
		addr, err := normalizeDNSServer("dns-server", s)
		if err != nil {
			return cfg, err
		}
		cfg.DNSServers = append(cfg.DNSServers, addr)
	}
	if len(cfg.DNSServers) == 0 && o.SystemDNS != nil {
		servers, search, err := o.SystemDNS()
		if err != nil || len(servers) == 0 {
			return cfg, runError(fmt.Errorf("no DNS servers configured on this machine: %v", err),
				"give the DNS servers internal clients use, e.g. --dns-server 10.0.0.10")
		}
		cfg.DNSServers, cfg.SearchDomains = servers, search
	}
	if len(o.DNSSearch) > 0 {
		cfg.SearchDomains = nil
		for _, d := range o.DNSSearch {
			cfg.SearchDomains = append(cfg.SearchDomains, strings.Trim(strings.ToLower(d), "."))
		}
	}
	for _, s := range o.Resolve {
		p, err := probe.ParseResolve(s)
		if err != nil {
			return cfg, usageErrorf("e.g. --resolve mail.contoso.com:443:10.0.0.21", "%s", err)
		}
		cfg.Pins = append(cfg.Pins, p)
	}
	for _, s := range o.ConnectTo {
		p, err := probe.ParseConnectTo(s)
		if err != nil {
			return cfg, usageErrorf("e.g. --connect-to mail.contoso.com:443:ex02.contoso.local:443", "%s", err)
		}
		cfg.Pins = append(cfg.Pins, p)
	}
	roots, err := loadRoots(o.CAFiles)
	if err != nil {
		return cfg, err
	}
	cfg.Roots = roots
	return cfg, nil
}

// normalizeDNSServer accepts ADDR or ADDR:PORT (IPv6 bracketed with a port)
// given to the flag named flag.
func normalizeDNSServer(flag, s string) (string, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.AddrPortFrom(a, 53).String(), nil
	}
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Port() != 0 {
		return ap.String(), nil
	}
	host, _, err := net.SplitHostPort(s)
	if err == nil && host != "" {
		return "", usageErrorf("give the server's IP address, e.g. --"+flag+" 10.0.0.10", "--%s %q: not an IP address and port", flag, s)
	}
	return "", usageErrorf("give the server's IP address, e.g. --"+flag+" 10.0.0.10 or --"+flag+" [fd00::53]:53", "--%s %q is not an IP address", flag, s)
}

// loadRoots returns the system roots plus every certificate in files, or
// nil (the platform verifier) when no file is given. On Windows a pool from
// SystemCertPool keeps the platform verifier too: crypto/x509 asks it first
// (so enterprise CAs pushed by Group Policy are trusted, as Outlook trusts
// them) and only then tries the added --ca-file roots.
func loadRoots(files []string) (*x509.CertPool, error) {
	if len(files) == 0 {
		return nil, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, runError(fmt.Errorf("read --ca-file: %w", err), "give a readable PEM file holding the CA certificate")
		}
		n := 0
		for rest := data; ; {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			if b.Type != "CERTIFICATE" {
				continue
			}
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, runError(fmt.Errorf("--ca-file %s: %w", name, err), "export the CA certificate again as Base-64 encoded X.509 (.CER)")
			}
			pool.AddCert(c)
			n++
		}
		if n == 0 {
			// Windows exports .cer files as DER by default.
			if c, err := x509.ParseCertificate(data); err == nil {
				pool.AddCert(c)
				continue
			}
			return nil, runError(fmt.Errorf("--ca-file %s holds no certificate (neither PEM nor DER)", name),
				"export the CA certificate as X.509 (.CER), DER or Base-64 encoded")
		}
	}
	return pool, nil
}
