package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/exdiag/exdiag/internal/lab"
)

// emfile is "too many open files" as the platform's socket call gives it:
// WSAEMFILE (10024) on Windows.
var emfile = func() syscall.Errno {
	if runtime.GOOS == "windows" {
		return syscall.Errno(10024)
	}
	return syscall.EMFILE
}()

// emfileDialer fails its first fail dials (all when fail < 0) as a socket
// call does when the process has no file descriptor left.
type emfileDialer struct {
	fail  int64
	dials atomic.Int64
}

func (d *emfileDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if n := d.dials.Add(1); d.fail < 0 || n <= d.fail {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("socket", emfile)}
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

func localSetup(t *testing.T) (Config, string) {
	t.Helper()
	p := newPKI(t)
	s := startServer(t, lab.ServerSpec{Protocol: lab.ProtoTLS, Certs: map[string]tls.Certificate{"": p.leaf(t, "mail.contoso.com")}})
	d := startDNS(t, lab.DNSSpec{Records: contosoZone})
	return testConfig(d, mustResolve(t, "*:%d:127.0.0.1", s.Port())), fmt.Sprintf("https://mail.contoso.com:%d/", s.Port())
}

// A connection refused for want of a file descriptor is tried again once
// others have ended: here the third dial gets one, and nothing is amiss.
func TestLocalFailureRetried(t *testing.T) {
	cfg, url := localSetup(t)
	d := &emfileDialer{fail: 2}
	cfg.Dialer = d
	obs := run(t, cfg, url)
	if h := only(t, obs); h.Err != nil || len(h.Chain) == 0 {
		t.Errorf("handshake: %v, %d certificates; want the certificate after two retries", h.Err, len(h.Chain))
	}
	if obs.Local != nil {
		t.Errorf("Local = %v after a retry succeeded", obs.Local)
	}
	if n := d.dials.Load(); n != 3 {
		t.Errorf("%d dials, want 3", n)
	}
}

// A machine that stays out of descriptors makes the run fail as a whole
// (Observations.Local), and the handshake says it was this machine.
func TestLocalFailurePersists(t *testing.T) {
	cfg, url := localSetup(t)
	cfg.Dialer = &emfileDialer{fail: -1}
	obs := run(t, cfg, url)
	if h := only(t, obs); h.Err == nil || h.Err.Kind != ErrLocal {
		t.Errorf("handshake error %v, want kind %q", h.Err, ErrLocal)
	}
	var le *LocalError
	if !errors.As(obs.Local, &le) || !errors.Is(obs.Local, emfile) || !IsLocal(obs.Local) {
		t.Errorf("Local = %v, want a *LocalError wrapping EMFILE", obs.Local)
	}
	if le != nil && le.Concurrency < 1 {
		t.Errorf("LocalError.Concurrency = %d", le.Concurrency)
	}
}

// The bound on exchanges never exceeds what the process may still open.
func TestConcurrencyFitsTheFileLimit(t *testing.T) {
	budget := openFileBudget()
	if budget < 0 {
		t.Skip("no file limit on this system")
	}
	p := New(Config{Concurrency: 1 << 20, DNSServers: []string{"127.0.0.1:53"}, SearchDomains: []string{}})
	if got := cap(p.limit.slots); got > budget/2 || got < 1 {
		t.Errorf("limit %d with %d descriptors left, want at most %d", got, budget, budget/2)
	}
}
