package limbo_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/probe"
)

// verdict is what exdiag, or Go's crypto/x509, made of one case.
type verdict struct {
	accept bool
	// why names the error findings behind a rejection, or what stopped
	// the run before any certificate was judged.
	why string
}

func (v verdict) String() string {
	if v.accept {
		return "accept"
	}
	return "reject (" + v.why + ")"
}

// connectionCodes are findings about reaching the server, not about its
// certificate: they never count as a certificate verdict.
var connectionCodes = []diag.Code{
	catalog.DNSMissing, catalog.Unreachable, catalog.TLSError, catalog.TLSLegacy,
	catalog.StartTLSMissing, catalog.URLInvalid, catalog.URLNotHTTPS,
}

// loopbackOnly is the prober's dialer: the suite's certificates name CRL,
// OCSP and CA issuer URLs on the Internet, and no test may connect there
// (they resolve at the lab DNS server, which knows only the peer names).
type loopbackOnly struct{ t *testing.T }

func (l loopbackOnly) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	if ip, err := netip.ParseAddr(host); err != nil || !ip.IsLoopback() {
		l.t.Errorf("exdiag dialled %s, which is not a loopback address", address)
		return nil, fmt.Errorf("test: refusing to dial %s", address)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

// runExdiag serves the case on loopback and runs exdiag's probe and
// judge on it as `exdiag check --url https://PEER/ --ca-file ROOTS
// --as-of TIME` does, with the system roots off and every name resolved by
// dns (the lab DNS server) and connected to the case's server.
func runExdiag(t *testing.T, c *limboCase, dns string) verdict {
	at, err := c.at()
	if err != nil {
		t.Fatalf("validation time: %v", err)
	}
	// --ca-file: exdiag refuses a file holding a certificate crypto/x509
	// cannot parse (internal/cli loadRoots), before any connection.
	roots := x509.NewCertPool()
	for i, s := range c.TrustedCerts {
		der, err := decodePEM(s)
		if err != nil {
			t.Fatalf("trusted certificate %d: %v", i, err)
		}
		root, err := x509.ParseCertificate(der)
		if err != nil {
			return verdict{why: "--ca-file refused: " + err.Error()}
		}
		roots.AddCert(root)
	}
	cert, throwaway, err := servedCert(c)
	if err != nil {
		t.Fatalf("served certificate: %v", err)
	}
	srv, err := lab.StartServer(lab.ServerSpec{Certs: map[string]tls.Certificate{"": cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	pin, err := probe.ParseConnectTo(fmt.Sprintf(":443:127.0.0.1:%d", srv.Port()))
	if err != nil {
		t.Fatal(err)
	}
	p := probe.New(probe.Config{
		DNSServers:    []string{dns},
		SearchDomains: []string{},
		Pins:          []probe.Pin{pin},
		Roots:         roots,
		Timeout:       20 * time.Second,
		Now:           func() time.Time { return at },
		Dialer:        loopbackOnly{t},
	})
	url := "https://" + net.JoinHostPort(c.peer(), "443") + "/"
	obs := p.Run(context.Background(), []inventory.Endpoint{{
		URL: url, Source: inventory.Source{Origin: inventory.OriginFlag, Service: inventory.ServiceURL},
	}})
	rep := diag.Judge(diag.Input{Obs: obs, Now: at, WarnDays: 30})

	eo := obs.Endpoints[0]
	var hs *probe.Handshake
	if !eo.Handshake.Zero() {
		hs = obs.Handshakes[eo.Handshake]
	}
	if hs == nil || len(hs.Chain) == 0 {
		// No certificate reached exdiag: the URL was refused, or the TLS
		// client could not parse what the server sent. exdiag reports an
		// error for the endpoint, so a client of the report sees a failure.
		for _, f := range rep.Findings {
			if f.Severity == diag.Error {
				return verdict{why: "no certificate received: " + string(f.Code)}
			}
		}
		t.Fatalf("no certificate and no error finding for %s: %+v", url, rep.Findings)
	}
	if !bytes.Equal(hs.Chain[0].Raw, cert.Certificate[0]) {
		t.Fatalf("exdiag received another certificate than the case's")
	}
	if throwaway && hs.Err == nil {
		t.Fatalf("the handshake with a throwaway key succeeded")
	}
	var codes []string
	for _, f := range rep.Findings {
		if f.Severity == diag.Error && !slices.Contains(connectionCodes, f.Code) {
			codes = append(codes, string(f.Code))
		}
	}
	if len(codes) == 0 {
		return verdict{accept: true}
	}
	slices.Sort(codes)
	return verdict{why: strings.Join(slices.Compact(codes), ", ")}
}
