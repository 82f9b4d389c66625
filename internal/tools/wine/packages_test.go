package wine

import (
	"context"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testBinary is one package's Windows test binary.
type testBinary struct {
	pkg, dir, exe string
}

var built struct {
	once sync.Once
	bins []testBinary
	err  error
}

// self is this package: its tests drive Wine and are not run under it.
const self = "github.com/exdiag/exdiag/internal/tools/wine"

// testBinaries builds the Windows test binary of every package that has
// tests, once, with the overlay.
func testBinaries(t *testing.T) []testBinary {
	t.Helper()
	built.once.Do(func() {
		built.bins, built.err = buildTests()
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bins
}

func buildTests() ([]testBinary, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	list := exec.CommandContext(ctx, "go", "list", "-f", "{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}", "./...")
	list.Dir, list.Env = tier.root, append(os.Environ(), "GOOS=windows", "GOARCH=amd64")
	out, err := list.Output()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(tier.bin, "tests")
	var bins []testBinary
	args := []string{"test", "-c", "-overlay", tier.env.Overlay, "-o", dir + "/"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, pkgDir, _ := strings.Cut(line, " ")
		if pkg == self {
			continue
		}
		bins = append(bins, testBinary{pkg: pkg, dir: pkgDir, exe: filepath.Join(dir, path.Base(pkg)+".test.exe")})
		args = append(args, pkg)
	}
	start := time.Now()
	if err := goCmd(ctx, "windows", args...); err != nil {
		return nil, err
	}
	for _, b := range bins {
		if _, err := os.Stat(b.exe); err != nil {
			return nil, err
		}
	}
	logf("wine tier: %d Windows test binaries built in %s", len(bins), time.Since(start).Round(time.Millisecond))
	return bins, nil
}

// TestPackages runs every package's Windows test binary under Wine, from
// the package's folder as go test does: all must pass.
func TestPackages(t *testing.T) {
	needWine(t)
	for _, b := range testBinaries(t) {
		t.Run(strings.TrimPrefix(b.pkg, "github.com/exdiag/exdiag/"), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			cmd := tier.env.Command(ctx, b.exe, "-test.count=1", "-test.timeout=9m")
			cmd.Dir = b.dir
			start := time.Now()
			r, err := Run(cmd, "")
			if err != nil || r.Code != 0 {
				t.Fatalf("%s under Wine: exit %d, %v\n%s%s", path.Base(b.exe), r.Code, err, r.Stdout, r.Stderr)
			}
			t.Logf("passed in %s", time.Since(start).Round(time.Millisecond))
		})
	}
}
