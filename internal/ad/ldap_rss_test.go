//go:build linux

package ad_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/ad"
)

// BenchmarkHostileLDAPPeakRSS measures the peak resident set size of a
// process that reads the directory from a DC (in the same process, on
// loopback) sending a 300 MB value, or 60 pages of 100 entries of 60 KB.
// Run it alone, without -race:
//
//	go test -run '^$' -bench HostileLDAPPeakRSS -benchtime 1x ./internal/ad
func BenchmarkHostileLDAPPeakRSS(b *testing.B) {
	for _, c := range []string{"baseline", "huge-value", "large-pages"} {
		b.Run(c, func(b *testing.B) {
			var kb int64
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestHostileLDAPChild$", "-test.count=1", "-test.v")
				cmd.Env = append(os.Environ(), "EXDIAG_LDAP_CHILD="+c)
				out, err := cmd.CombinedOutput()
				_, rest, ok := strings.Cut(string(out), "VmHWM:")
				if _, serr := fmt.Sscan(rest, &kb); err != nil || !ok || serr != nil {
					b.Fatalf("child %s: %v\n%s", c, err, out)
				}
			}
			b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
		})
	}
}

// TestHostileLDAPChild is BenchmarkHostileLDAPPeakRSS's child process; it
// does nothing in a normal test run.
func TestHostileLDAPChild(t *testing.T) {
	c := os.Getenv("EXDIAG_LDAP_CHILD")
	if c == "" {
		t.Skip("only run by BenchmarkHostileLDAPPeakRSS")
	}
	if c != "baseline" {
		answer := hugeValue(300 << 20)
		if c == "large-pages" {
			answer = largePages(60)
		}
		d := startAnswerDC(t, answer)
		o := ad.ConnectOptions{URL: "ldap://" + d.ln.Addr().String(), NoStartTLS: true, Auth: ad.AuthAnonymous, Timeout: time.Minute}
		_, st, err := ad.Read(context.Background(), o, ad.Filter{})
		t.Logf("%s: %d entries, %v", c, st.Entries, err)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			fmt.Println(l)
		}
	}
}
