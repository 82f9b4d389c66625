package probe

import (
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestSystemDNS calls GetAdaptersAddresses for real: whatever the machine
// uses must come back as ip:53 and lower-case suffixes. What the servers
// and suffixes are is known only to whoever runs the test: set
// EXDIAG_TEST_SYSTEM_DNS (a server, ip:port) and EXDIAG_TEST_DNS_SEARCH (a
// suffix) to have them checked (the Wine tier does, in a network namespace
// whose resolv.conf it writes).
func TestSystemDNS(t *testing.T) {
	servers, search, err := SystemDNS()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range servers {
		ap, err := netip.ParseAddrPort(s)
		if err != nil || ap.Port() != 53 || siteLocal.Contains(ap.Addr()) {
			t.Errorf("server %q: want ip:53, no site-local fec0::/10", s)
		}
	}
	for _, s := range search {
		if s == "" || s != strings.ToLower(s) || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
			t.Errorf("search suffix %q: want lower case without dots at the ends", s)
		}
	}
	if want := os.Getenv("EXDIAG_TEST_SYSTEM_DNS"); want != "" && !slices.Contains(servers, want) {
		t.Errorf("servers %q: want %s among them", servers, want)
	}
	if want := os.Getenv("EXDIAG_TEST_DNS_SEARCH"); want != "" && !slices.Contains(search, want) {
		t.Errorf("search suffixes %q: want %s among them", search, want)
	}
}
