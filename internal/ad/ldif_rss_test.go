//go:build linux

package ad

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkLDIFPeakRSS measures the peak resident set size of a process
// that reads a large export with ReadLDIFOrg, for each of ldifCases at
// about 200 MB (the 100,000 attribute names at their 2.5 MB), and reports
// it beside the file's size. Run it alone, without -race:
//
//	go test -run '^$' -bench LDIFPeakRSS -benchtime 1x ./internal/ad
func BenchmarkLDIFPeakRSS(b *testing.B) {
	dir := b.TempDir()
	empty := filepath.Join(dir, "empty.ldf")
	if err := os.WriteFile(empty, []byte("dn: CN=Contoso,CN=Microsoft Exchange,CN=Services,"+genNC+"\nobjectClass: msExchOrganizationContainer\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	base := childPeakRSS(b, empty)
	for _, tc := range ldifCases {
		path := filepath.Join(dir, tc.name+".ldf")
		var in bytes.Buffer
		tc.gen(&in, 200<<20)
		if err := os.WriteFile(path, in.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
		size := int64(in.Len())
		in = bytes.Buffer{}
		runtime.GC()
		b.Run(tc.name, func(b *testing.B) {
			var rss int64
			for b.Loop() {
				rss = childPeakRSS(b, path)
			}
			b.ReportMetric(float64(size)/(1<<20), "file-MB")
			b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
			b.ReportMetric(float64(rss-base)/float64(size), "RSS-over-baseline/size")
		})
	}
}

// childPeakRSS runs TestLDIFChild on path in a new process and returns its
// peak RSS in bytes. The child reports its own VmHWM: getrusage's maxrss
// of a child started with vfork includes the parent's size.
func childPeakRSS(b *testing.B, path string) int64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestLDIFChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "EXDIAG_LDIF_CHILD="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("child on %s: %v\n%s", path, err, out)
	}
	_, rest, ok := strings.Cut(string(out), "VmHWM:")
	var kb int64
	if _, err := fmt.Sscan(rest, &kb); !ok || err != nil {
		b.Fatalf("child on %s printed no VmHWM:\n%s", path, out)
	}
	return kb << 10
}

// TestLDIFChild is BenchmarkLDIFPeakRSS's child process; it does nothing
// in a normal test run.
func TestLDIFChild(t *testing.T) {
	path := os.Getenv("EXDIAG_LDIF_CHILD")
	if path == "" {
		t.Skip("only run by BenchmarkLDIFPeakRSS")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	org, st, err := ReadLDIFOrg(bufio.NewReader(f), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			fmt.Println(st.Entries, len(org.Endpoints), l)
		}
	}
}
