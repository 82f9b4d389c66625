// Command bench measures exdiag against a generated organisation in the
// lab: `make bench` runs it. It runs the real exdiag binary (as a child
// process, so its peak RSS is exdiag's alone) with public flags, and in the
// same run measures two baselines over the same endpoints: bare TLS
// handshakes from a minimal Go loop (the ceiling), and a shell loop of
// openssl s_client (what an admin would do instead; a sample, extrapolated).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/probe"
)

func main() {
	if os.Getenv(spawnEnv) == "1" {
		os.Exit(spawn(os.Args[1:]))
	}
	sizes := flag.String("servers", "100,1000,5000", "organisation sizes to measure, comma-separated")
	dead := flag.Int("dead", 200, "dead servers in the dead-endpoints run (0 skips it)")
	timeout := flag.Duration("timeout", 3*time.Second, "exdiag --timeout")
	conc := flag.Int("concurrency", 0, "exdiag --concurrency (0: exdiag's default)")
	sample := flag.Int("openssl-sample", 40, "handshakes timed with openssl s_client (0 skips)")
	flag.StringVar(&format, "format", "json", "exdiag --format")
	flag.Parse()
	if err := run(*sizes, *dead, *timeout, *conc, *sample); err != nil {
		fmt.Fprintln(os.Stderr, "bench: error:", err)
		os.Exit(1)
	}
}

// format is the --format exdiag renders (json: what CI runs).
var format string

func run(sizes string, dead int, timeout time.Duration, conc, sample int) error {
	dir, err := os.MkdirTemp("", "exdiag-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "exdiag")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/exdiag").CombinedOutput(); err != nil {
		return fmt.Errorf("build exdiag: %v\n%s", err, out)
	}
	var rows []row
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return fmt.Errorf("-servers %q: %v", f, err)
		}
		r, err := measure(bin, n, 0, timeout, conc, sample)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	printTable(rows)
	if len(rows) > 0 {
		// What revocation checking (CRL and OCSP fetches, each URL once, and
		// the per-certificate lookups) costs: the largest size again without it.
		last := rows[len(rows)-1]
		off, err := measure(bin, last.servers, 0, timeout, conc, 0, "--no-revocation")
		if err != nil {
			return err
		}
		fmt.Printf("\nRevocation at %d servers: the revocation phase took %.3fs (%d fetches), %.1f%% of the run (target: at most 10%%); "+
			"whole run %.2fs with it, %.2fs with --no-revocation (wall times vary with the machine's load); peak RSS %.0f MB with, %.0f MB without.\n",
			last.servers, last.phases["revocation"], last.fetches, 100*last.phases["revocation"]/last.wall.Seconds(),
			last.wall.Seconds(), off.wall.Seconds(), last.rssMB, off.rssMB)
	}
	if dead > 0 {
		r, err := measure(bin, dead+50, dead, timeout, conc, 0)
		if err != nil {
			return err
		}
		// Each silent handshake holds one of the --concurrency connections
		// for --timeout: the rule the help and README state.
		rounds := (2*dead + r.conc - 1) / r.conc
		fmt.Printf("\nDead endpoints: %d of %d servers accept and never answer (%d handshakes that time out).\n", dead, dead+50, 2*dead)
		fmt.Printf("  whole run %.2fs with --timeout %s and --concurrency %d: %.2f x timeout (rule: ceil(%d/%d) = %d timeouts)\n",
			r.wall.Seconds(), timeout, r.conc, r.wall.Seconds()/timeout.Seconds(), 2*dead, r.conc, rounds)
	}
	return nil
}

// row is one measured run.
type row struct {
	servers             int
	urls, handshakes    int
	searches, pages     int
	phases              map[string]float64
	wall                time.Duration
	fetches             int
	rssMB               float64
	ceiling, openssl    float64 // handshakes per second
	opensslSample, conc int
}

func measure(bin string, n, dead int, timeout time.Duration, conc, sample int, extra ...string) (row, error) {
	r := row{servers: n, phases: map[string]float64{}, opensslSample: sample}
	sc, err := lab.Generate(lab.GenerateOptions{Servers: n, Dead: dead})
	if err != nil {
		return r, err
	}
	l, err := lab.StartScenario(sc)
	if err != nil {
		return r, err
	}
	defer l.Close()
	args := append([]string{"check"}, l.CheckArgs()...)
	args = append(args, "--format", format, "--stats", "--fail-on", "never", "--timeout", timeout.String())
	if conc > 0 {
		args = append(args, "--concurrency", strconv.Itoa(conc))
	}
	args = append(args, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(lab.LabPassword + "\n")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr
	start := time.Now()
	if r.rssMB, err = spawned(cmd); err != nil {
		return r, fmt.Errorf("exdiag check (%d servers): %v\n%s", n, err, stderr.String())
	}
	r.wall = time.Since(start)
	parseStats(&r, stderr.String())
	if r.conc = conc; conc == 0 {
		r.conc = probe.DefaultConcurrency
	}
	if dead == 0 {
		targets := targetsOf(l)
		r.ceiling = ceiling(targets, r.conc, timeout)
		if sample > 0 {
			r.openssl = opensslRate(targets, sample)
		}
	}
	return r, nil
}

func parseStats(r *row, stderr string) {
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "exdiag: stats: ")
		if !ok {
			continue
		}
		kv := map[string]string{}
		for _, f := range strings.Fields(line) {
			if k, v, ok := strings.Cut(f, "="); ok {
				kv[k] = v
			}
		}
		sec, _ := strconv.ParseFloat(kv["seconds"], 64)
		r.phases[kv["phase"]] = sec
		atoi := func(k string) int { n, _ := strconv.Atoi(kv[k]); return n }
		switch kv["phase"] {
		case "discovery":
			r.searches, r.pages, r.urls = atoi("searches"), atoi("pages"), atoi("urls")
		case "tls":
			r.handshakes = atoi("handshakes")
		case "revocation":
			r.fetches = atoi("fetches")
		}
	}
}
