package wine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab/samba"
)

// The machine as the namespace presents it: joined to nsDomain, with one
// DNS server on loopback.
const (
	nsDomain    = "contoso.local"
	nsDNSServer = "127.0.0.1:53"
	// sambaLock serialises every use of the Samba tier's fixed ports.
	sambaLock = "/tmp/exdiag-samba.lock"
)

// TestNamespace runs its subtests in a network namespace whose hosts
// file makes this machine HOST.contoso.local and whose resolv.conf names
// only 127.0.0.1: there GetComputerNameEx and GetAdaptersAddresses answer
// what the test set, no query can reach a real resolver, and the Samba
// DC's fixed ports collide with nothing. They run in a second process of
// this test binary (ip netns exec), under the Samba lock.
func TestNamespace(t *testing.T) {
	needWine(t)
	if inNamespace() {
		t.Run("WindowsFunctions", testNSWindowsFunctions)
		t.Run("ZeroFlag", testNSZeroFlag)
		t.Run("SSPIBinds", testNSSSPIBinds)
		return
	}
	if os.Geteuid() != 0 {
		if samba.Required() {
			t.Fatalf("wine tier: network namespaces need root, which %s=1 requires", samba.RequireVar)
		}
		t.Skip("wine tier: network namespaces need root; skipping the namespace tests")
	}
	bins := testBinaries(t)
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	short, _, _ := strings.Cut(host, ".")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	ns, err := NewNamespace(ctx, fmt.Sprintf("exdiag-wine-%d", os.Getpid()), map[string]string{
		"hosts":       fmt.Sprintf("127.0.0.1 localhost\n127.0.0.1 %s.%s %s\n::1 localhost\n", short, nsDomain, short),
		"resolv.conf": fmt.Sprintf("nameserver %s\nsearch %s\n", strings.TrimSuffix(nsDNSServer, ":53"), nsDomain),
		// the trusted roots Wine imports: the test puts the DC's CA there
		"ssl/certs/": "",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := ns.Close(); err != nil {
			t.Error(err)
		}
	}()
	// A wineserver of its own: Wine asks it (its nsiproxy driver) for the
	// adapters, so it must run in the namespace.
	env, err := tier.env.Clone(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { // the wineserver outlives its programs by a few seconds
		kctx, kcancel := context.WithTimeout(context.Background(), time.Minute)
		defer kcancel()
		kill := ns.Command(kctx, env.Server, "-k")
		kill.Env = append(os.Environ(), "WINEPREFIX="+env.Prefix)
		_ = kill.Run()
	}()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	run, want := "^TestNamespace$/^(WindowsFunctions|ZeroFlag)$", []string{"WindowsFunctions", "ZeroFlag"}
	if os.Getenv(sspiEnv) == "1" {
		run, want = "^TestNamespace$/^SSPIBinds$", []string{"SSPIBinds"}
	}
	args := []string{sambaLock, "ip", "netns", "exec", ns.Name, self, "-test.run", run, "-test.v", "-test.count=1", "-test.timeout=9m"}
	cmd := exec.CommandContext(ctx, "flock", args...)
	cmd.Env = append(os.Environ(), nsEnv+"="+ns.Name, prefixEnv+"="+env.Prefix, exeEnv+"="+tier.exe,
		testsEnv+"="+filepath.Dir(bins[0].exe), rootEnv+"="+tier.root)
	out, err := cmd.CombinedOutput()
	t.Logf("in namespace %s:\n%s", ns.Name, out)
	if err != nil {
		t.Fatalf("the namespace tests failed: %v", err)
	}
	for _, name := range want {
		switch {
		case strings.Contains(string(out), "--- PASS: TestNamespace/"+name+" "):
		case strings.Contains(string(out), "--- SKIP: TestNamespace/"+name+" ") && !samba.Required():
			t.Logf("%s skipped (without %s=1, a missing Samba skips it)", name, samba.RequireVar)
		default:
			t.Errorf("%s did not pass in the namespace", name)
		}
	}
}

// testNSWindowsFunctions runs the Windows-only functions' own tests, with
// the answers the namespace was given.
func testNSWindowsFunctions(t *testing.T) {
	for _, c := range []struct {
		pkg, test string
		env       []string
	}{
		{"ad", "TestMachineDomain", []string{"EXDIAG_TEST_MACHINE_DOMAIN=" + nsDomain}},
		{"probe", "TestSystemDNS", []string{"EXDIAG_TEST_SYSTEM_DNS=" + nsDNSServer, "EXDIAG_TEST_DNS_SEARCH=" + nsDomain}},
	} {
		t.Run(c.pkg, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := tier.env.Command(ctx, filepath.Join(os.Getenv(testsEnv), c.pkg+".test.exe"), "-test.run", "^"+c.test+"$", "-test.v", "-test.count=1")
			cmd.Dir = filepath.Join(tier.root, "internal", c.pkg)
			cmd.Env = append(cmd.Env, c.env...)
			r, err := Run(cmd, "")
			if err != nil || r.Code != 0 || !strings.Contains(r.Stdout, "--- PASS: "+c.test+" ") {
				t.Errorf("%s under Wine: exit %d, %v\n%s%s", c.test, r.Code, err, r.Stdout, r.Stderr)
			}
		})
	}
}
