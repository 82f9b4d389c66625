package wine

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The tier runs only when asked: it needs Wine, minutes, and root for its
// network namespaces.
const (
	enableEnv = "EXDIAG_WINE"     // "1" runs the tier
	dirEnv    = "EXDIAG_WINE_DIR" // the prefix's folder; default: the user's cache
)

// tier is what TestMain prepares for the tests.
var tier struct {
	env   *Env
	root  string // the module
	bin   string // the binaries built for this run
	linux string // exdiag for Linux
	exe   string // exdiag.exe
}

func TestMain(m *testing.M) {
	flag.Parse()
	if !enabled() {
		os.Exit(m.Run()) // the tests that need no Wine
	}
	var err error
	if inNamespace() {
		err = prepareInNamespace()
	} else {
		err = prepare()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if inNamespace() {
		stopDomain()
	} else {
		os.RemoveAll(tier.bin)
	}
	os.Exit(code)
}

func enabled() bool { return os.Getenv(enableEnv) == "1" && runtime.GOOS == "linux" }

// needWine skips a test of the tier unless it was asked for.
func needWine(t *testing.T) {
	t.Helper()
	if !enabled() {
		t.Skip("wine tier: make windows-wine runs it (EXDIAG_WINE=1, on Linux)")
	}
}

// prepare sets up the prefix and builds exdiag for Linux and Windows.
func prepare() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	gomod, err := goEnv("GOMOD")
	if err != nil {
		return err
	}
	tier.root = filepath.Dir(gomod)
	dir := os.Getenv(dirEnv)
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return err
		}
		dir = filepath.Join(cache, "exdiag-wine")
	}
	start := time.Now()
	if tier.env, err = Setup(ctx, dir); err != nil {
		return err
	}
	fmt.Printf("wine tier: prefix %s ready in %s (%s)\n", tier.env.Prefix, time.Since(start).Round(time.Millisecond), tier.env.GoVersion)
	if tier.bin, err = os.MkdirTemp("", "exdiag-wine-bin-"); err != nil {
		return err
	}
	tier.linux, tier.exe = filepath.Join(tier.bin, "exdiag"), filepath.Join(tier.bin, "exdiag.exe")
	start = time.Now()
	if err := goBuild(ctx, "linux", tier.linux, "./cmd/exdiag"); err != nil {
		return err
	}
	if err := goBuild(ctx, "windows", tier.exe, "./cmd/exdiag"); err != nil {
		return err
	}
	fmt.Printf("wine tier: exdiag and exdiag.exe built in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// goBuild builds pkg of the module for goos; Windows builds get the overlay.
func goBuild(ctx context.Context, goos, out string, pkg ...string) error {
	args := []string{"build", "-o", out}
	if goos == "windows" {
		args = append(args, "-overlay", tier.env.Overlay)
	}
	return goCmd(ctx, goos, append(args, pkg...)...)
}

// goCmd runs the go command in the module for goos/amd64.
func goCmd(ctx context.Context, goos string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = tier.root
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("wine tier: GOOS=%s go %s: %w\n%s", goos, strings.Join(args, " "), err, out)
	}
	return nil
}

// labPort matches the lab's loopback addresses with their ports, which
// change from run to run.
var labPort = regexp.MustCompile(`(127\.0\.0\.\d+):\d+`)

// runTime matches when a check ran, which the reports print ("run …",
// "generatedAt") and which differs between two runs of the same check.
var runTime = regexp.MustCompile(`(run |"generatedAt": ?")\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)`)

// maskPorts masks what changes from run to run of the same check: the
// lab's ports and the time the check ran.
func maskPorts(s string) string {
	return runTime.ReplaceAllString(labPort.ReplaceAllString(s, "$1:PORT"), "${1}TIME")
}

// windows runs exdiag.exe under Wine.
func windows(t *testing.T, stdin string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := Run(tier.env.Command(ctx, tier.exe, args...), stdin)
	if err != nil {
		t.Fatalf("exdiag.exe %s: %v\n%s", strings.Join(args, " "), err, r.Stderr)
	}
	return r
}

// linux runs the Linux exdiag.
func linux(t *testing.T, stdin string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := Run(exec.CommandContext(ctx, tier.linux, args...), stdin)
	if err != nil {
		t.Fatalf("exdiag %s: %v\n%s", strings.Join(args, " "), err, r.Stderr)
	}
	return r
}
