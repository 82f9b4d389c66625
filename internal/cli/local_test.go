package cli

import (
	"context"
	"net"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/term"
)

// noDescriptors fails every dial as socket(2) does when the process has no
// file descriptor left.
type noDescriptors struct{}

func (noDescriptors) DialContext(_ context.Context, network, _ string) (net.Conn, error) {
	emfile := syscall.EMFILE
	if runtime.GOOS == "windows" {
		emfile = syscall.Errno(10024) // WSAEMFILE
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("socket", emfile)}
}

// A machine out of file descriptors is exdiag's problem, not the servers':
// exit 3 with what to raise, and no findings blaming the servers.
func TestOutOfDescriptorsExits3(t *testing.T) {
	d, err := lab.StartDNS(lab.DNSSpec{Records: []string{"mail.contoso.com. 300 IN A 127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	io, out, errOut := term.Test("", nil)
	f := &Factory{IO: io, Now: time.Now, Version: "test", Dialer: noDescriptors{}}
	code := Run(context.Background(), f, []string{"check", "--url", "https://mail.contoso.com/", "--dns-server", d.Addr(), "--timeout", "3s"})
	if code != ExitNoRun {
		t.Errorf("exit %d, want %d", code, ExitNoRun)
	}
	if out.Len() != 0 {
		t.Errorf("a report was printed:\n%s", out)
	}
	hint := "exdiag: hint: raise the limit on open files"
	if runtime.GOOS == "windows" {
		hint = "exdiag: hint: close programs holding many connections"
	}
	for _, want := range []string{"exdiag: error: this machine ran out of resources for new connections", hint} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// A URL with a password in it, given on the command line, is a usage error
// (exit 2) that names it with the password masked; read from the directory,
// it is a url-invalid finding, masked as it is read (internal/ad).
func TestURLPasswordMasked(t *testing.T) {
	io, out, errOut := term.Test("", nil)
	f := &Factory{IO: io, Now: time.Now, Version: "test"}
	code := Run(context.Background(), f, []string{"check", "--url", "https://admin:Hunter2pw@mail.contoso.com/owa", "--dns-server", "127.0.0.1:1", "--format", "json"})
	all := out.String() + errOut.String()
	if code != ExitUsage || strings.Contains(all, "Hunter2pw") || !strings.Contains(errOut.String(), "admin:xxxxx@mail.contoso.com") {
		t.Errorf("exit %d; want a usage error naming the URL with the password masked:\n%s", code, all)
	}
}
