package limbo_test

import (
	"flag"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/exdiag/exdiag/internal/lab"
)

var table = flag.Bool("limbo.table", false, "log every case's verdicts (exdiag, Go, the suite)")

// TestLimbo judges every applicable x509-limbo case as exdiag does and
// compares the verdict with the suite's: a disagreement must be listed in
// testdata/differences.txt, and a listed case must still disagree.
func TestLimbo(t *testing.T) {
	cases, skipped := selectCases(loadCases(t))
	known := loadDifferences(t, "testdata/differences.txt")
	checkList(t, known, cases)

	var records []string
	for _, c := range cases {
		if c.ExpectedPeerName.Kind == "DNS" {
			records = append(records, strings.TrimSuffix(c.peer(), ".")+". 300 IN A 127.0.0.1")
		}
	}
	slices.Sort(records)
	dns, err := lab.StartDNS(lab.DNSSpec{Records: slices.Compact(records)})
	if err != nil {
		t.Fatal(err)
	}
	defer dns.Close()

	var mu sync.Mutex
	ex, gov := map[string]verdict{}, map[string]verdict{}
	t.Run("case", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.ID, func(t *testing.T) {
				t.Parallel()
				v, g := runExdiag(t, c, dns.Addr()), goVerdict(c)
				mu.Lock()
				ex[c.ID], gov[c.ID] = v, g
				mu.Unlock()
				d, isListed := listed(known, c.ID)
				switch agrees := v.accept == c.wantAccept(); {
				case !agrees && !isListed:
					t.Errorf("exdiag: %v, the suite expects %s; fix exdiag or list the case in differences.txt with the clients' reason\n%s",
						v, c.ExpectedResult, c.Description)
				case agrees && isListed:
					t.Errorf("exdiag now agrees with the suite (%v); take the case out of differences.txt (%s: %s)", v, d.pattern, d.reason)
				}
			})
		}
	})
	report(t, cases, skipped, ex, gov)
}

// report logs the agreement of exdiag and of Go with the suite, once
// every case ran (not under -run of some cases).
func report(t *testing.T, cases []*limboCase, skipped map[string]int, ex, gov map[string]verdict) {
	if len(ex) < len(cases) {
		return
	}
	var exOK, goOK, both, goOnly, exOnly, early int
	for _, c := range cases {
		if v := ex[c.ID]; !v.accept && (strings.HasPrefix(v.why, "no certificate") || strings.HasPrefix(v.why, "--ca-file")) {
			early++
		}
		e, g := ex[c.ID].accept == c.wantAccept(), gov[c.ID].accept == c.wantAccept()
		switch {
		case e && g:
			both++
		case g:
			goOnly++
			t.Logf("Go agrees, exdiag does not: %s: exdiag %v, Go %v", c.ID, ex[c.ID], gov[c.ID])
		case e:
			exOnly++
		}
		if *table {
			t.Logf("%-70s suite %-7s exdiag %-60v go %v", c.ID, c.ExpectedResult, ex[c.ID], gov[c.ID])
		}
		if e {
			exOK++
		}
		if g {
			goOK++
		}
	}
	n := 0
	for _, r := range slices.Sorted(maps.Keys(skipped)) {
		t.Logf("skipped %3d: %s", skipped[r], r)
		n += skipped[r]
	}
	t.Logf("x509-limbo: %d applicable cases (%d skipped); exdiag agrees on %d, Go's x509.Verify+VerifyHostname on %d; "+
		"both %d, only Go %d, only exdiag %d; %d of exdiag's rejections came before any certificate was judged "+
		"(--ca-file refused, certificate unparseable, host name refused)", len(cases), n, exOK, goOK, both, goOnly, exOnly, early)
	checkReadme(t, exOK, goOK, len(cases))
}

// readmeFigure is how README.md states the agreement.
var readmeFigure = regexp.MustCompile(`exdiag agrees with the\s+suite on (\d+) of the (\d+) applicable cases \(Go's ` + "`x509.Verify`" + ` \+\s+` + "`VerifyHostname`" + `: (\d+)\)`)

// checkReadme keeps the figure README.md gives true.
func checkReadme(t *testing.T, exOK, goOK, n int) {
	data, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := readmeFigure.FindStringSubmatch(string(data))
	if m == nil {
		t.Fatalf("README.md does not say %q", "exdiag agrees with the suite on N of the M applicable cases (Go's `x509.Verify` + `VerifyHostname`: G)")
	}
	if want := []string{strconv.Itoa(exOK), strconv.Itoa(n), strconv.Itoa(goOK)}; !slices.Equal(m[1:], want) {
		t.Errorf("README.md says exdiag agrees on %s of %s cases and Go on %s; the tier measured %s of %s and %s: update README.md",
			m[1], m[2], m[3], want[0], want[1], want[2])
	}
}
