package cli

import (
	"encoding/json"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/lab"
)

// --external-dns-server decides what clients outside the domain are taken
// to find: in the hybrid lab only the public view sends contoso.com to the
// company web site, whose certificate does not cover it. A resolver that
// never answers stops the run (exit 3), as --dns-server does; a value that
// is no address is a usage error.
func TestExternalDNSServer(t *testing.T) {
	l := labScenario(t, "hybrid")
	args := append([]string{"check"}, l.CheckArgs()...)
	i := slices.Index(args, "--external-dns-server")
	if i < 0 || l.PublicDNS == nil {
		t.Fatalf("the hybrid lab passes no --external-dns-server: %q", args)
	}
	stdout, stderr, code := runCLI(t, lab.LabPassword+"\n", append(args, "--format", "json")...)
	if code != ExitFindings || !slices.Contains(summary(t, stdout), "error name-mismatch contoso.com []") {
		t.Fatalf("with the public resolver: exit %d, no finding on the bare domain\n%s\n%s", code, stdout, stderr)
	}
	var doc struct{ DNSServers []string }
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || !slices.Equal(doc.DNSServers, []string{l.DNS.Addr()}) {
		t.Errorf("the report's DNS servers %q are not the internal ones (%v)", doc.DNSServers, err)
	}

	internalOnly := slices.Delete(slices.Clone(args), i, i+2)
	stdout, _, _ = runCLI(t, lab.LabPassword+"\n", append(internalOnly, "--format", "json")...)
	if lines := summary(t, stdout); len(lines) == 0 || slices.Contains(lines, "error name-mismatch contoso.com []") {
		t.Errorf("without --external-dns-server the internal zone, which has no contoso.com, found the web site")
	}

	dead, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close() // bound, never read: queries time out
	deadArgs := slices.Clone(args)
	deadArgs[i+1] = dead.LocalAddr().String()
	_, stderr, code = runCLI(t, lab.LabPassword+"\n", append(deadArgs, "--timeout", "300ms")...)
	if code != ExitNoRun || !strings.Contains(stderr, "no external DNS server answered") || !strings.Contains(stderr, "exdiag: hint:") {
		t.Errorf("a dead external resolver: exit %d\n%s", code, stderr)
	}

	_, stderr, code = runCLI(t, "", "check", "--url", "mail.contoso.com", "--external-dns-server", "dns.example")
	if code != ExitUsage || !strings.Contains(stderr, `--external-dns-server "dns.example" is not an IP address`) {
		t.Errorf("a name as resolver: exit %d\n%s", code, stderr)
	}
}
