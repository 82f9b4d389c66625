package ad

import (
	"os"
	"strings"
	"testing"
)

// TestMachineDomain calls GetComputerNameEx for real. The domain this
// computer is joined to is known only to whoever runs the test: set
// EXDIAG_TEST_MACHINE_DOMAIN to it (the Wine tier runs it in a network
// namespace whose hosts file makes the machine vm.contoso.local).
func TestMachineDomain(t *testing.T) {
	want := os.Getenv("EXDIAG_TEST_MACHINE_DOMAIN")
	if want == "" {
		t.Skip("set EXDIAG_TEST_MACHINE_DOMAIN to this computer's AD DNS domain")
	}
	t.Setenv("USERDNSDOMAIN", "") // the fallback must not answer for the machine
	got, err := MachineDomain()
	if err != nil || !strings.EqualFold(got, want) {
		t.Errorf("MachineDomain() = %q, %v; want %q", got, err, want)
	}
}

// A computer in no domain (a workgroup PC; Wine when the host name has no
// domain part) is reported as such, and the logged-on user's domain
// (USERDNSDOMAIN) is then the answer.
func TestMachineDomainFallback(t *testing.T) {
	t.Setenv("USERDNSDOMAIN", "")
	if d, err := MachineDomain(); err == nil {
		t.Skipf("this computer is joined to %s: GetComputerNameEx answers first", d)
	}
	t.Setenv("USERDNSDOMAIN", "FABRIKAM.COM")
	if got, err := MachineDomain(); err != nil || got != "fabrikam.com" {
		t.Errorf("MachineDomain() = %q, %v; want fabrikam.com from USERDNSDOMAIN", got, err)
	}
}
