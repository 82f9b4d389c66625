package wine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/exdiag/exdiag/internal/lab/samba"
	"github.com/exdiag/exdiag/internal/report/reporttest"
)

// Env is a Wine prefix that runs Go's Windows binaries, and the overlay
// to build them with.
type Env struct {
	// Dir holds the shim, the overlay and the prefix.
	Dir string
	// Prefix is the WINEPREFIX, with the shim in its system32.
	Prefix string
	// Overlay is the -overlay file for GOOS=windows go build and go test -c.
	Overlay string
	// Loader runs a Windows program (Debian installs no wine64 on PATH).
	Loader, Server string
	// GoVersion is the Go the overlay was made for.
	GoVersion string
}

// loaders are where Debian and others put wine's 64-bit loader and server.
var loaders = [][2]string{
	{"/usr/lib/wine/wine64", "/usr/lib/wine/wineserver"},
	{"/usr/bin/wine64", "/usr/bin/wineserver"},
	{"/usr/bin/wine", "/usr/bin/wineserver"},
}

// Setup makes (or reuses) dir/prefix for the Go on PATH: the overlay for
// that Go version, the shim, a prefix created with wineboot.
func Setup(ctx context.Context, dir string) (*Env, error) {
	e, err := Open(filepath.Join(dir, "prefix"))
	if err != nil {
		return nil, err
	}
	e.Dir = dir
	goroot, err := goEnv("GOROOT")
	if err != nil {
		return nil, err
	}
	if e.GoVersion, err = goEnv("GOVERSION"); err != nil {
		return nil, err
	}
	if e.Overlay, err = writeOverlay(goroot, e.GoVersion, filepath.Join(dir, "overlay-"+e.GoVersion)); err != nil {
		return nil, err
	}
	shim, err := buildShim(filepath.Join(dir, "shim"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(e.Prefix, "system.reg")); err != nil {
		if err := e.boot(ctx); err != nil {
			return nil, err
		}
	}
	data, err := os.ReadFile(shim)
	if err != nil {
		return nil, err
	}
	return e, os.WriteFile(filepath.Join(e.Prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll"), data, 0o755)
}

// Open finds Wine for an existing prefix.
func Open(prefix string) (*Env, error) {
	e := &Env{Prefix: prefix}
	for _, l := range loaders {
		if _, err := os.Stat(l[0]); err == nil {
			e.Loader, e.Server = l[0], l[1]
			return e, nil
		}
	}
	return nil, fmt.Errorf("wine tier: no wine64 loader (apt-get install wine64; make windows-wine does)")
}

// boot creates the prefix. Mono and Gecko are not wanted (no .NET, no
// HTML), which keeps wineboot from looking for them.
func (e *Env) boot(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := e.Command(ctx, "wineboot", "-i")
	cmd.Env = append(cmd.Env, "WINEDLLOVERRIDES=mscoree,mshtml=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("wine tier: wineboot -i in %s: %w\n%s", e.Prefix, err, out)
	}
	return e.Wait(ctx)
}

// linuxOnly are the variables that turn a Linux-only tier's skip into a
// failure, each named by its own package.
var linuxOnly = []string{"CI", samba.RequireVar, reporttest.RequireChromiumEnv}

// Command runs a Windows program (a path, or a name Wine knows such as
// wineboot) with args under Wine, quietly. The linuxOnly variables are
// left out of the environment: they ask the Linux-only tiers to fail
// rather than skip, and a Windows binary can never run those.
func (e *Env) Command(ctx context.Context, exe string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, e.Loader, append([]string{exe}, args...)...)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(linuxOnly, name) && name != "WINEDEBUG" && name != "WINEPREFIX" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "WINEPREFIX="+e.Prefix, "WINEDEBUG=-all")
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// Wait waits until the prefix's wineserver has exited (it lingers a few
// seconds after the last program).
func (e *Env) Wait(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, e.Server, "-w")
	cmd.Env = append(os.Environ(), "WINEPREFIX="+e.Prefix)
	return cmd.Run()
}

// Kill stops the prefix's wineserver and every program in it.
func (e *Env) Kill(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, e.Server, "-k")
	cmd.Env = append(os.Environ(), "WINEPREFIX="+e.Prefix)
	if err := cmd.Run(); err != nil {
		return err
	}
	return e.Wait(ctx)
}

// Clone copies the prefix to dir, for a wineserver of its own (one in a
// network namespace sees only that namespace).
func (e *Env) Clone(dir string) (*Env, error) {
	c := *e
	c.Prefix = filepath.Join(dir, "prefix")
	if out, err := exec.Command("cp", "-a", e.Prefix, c.Prefix).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("wine tier: copy the prefix: %w\n%s", err, out)
	}
	return &c, nil
}

// WinPath is how a Windows program under Wine names a Linux path: drive
// Z: is the Linux root.
func WinPath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }

func goEnv(key string) (string, error) {
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		return "", fmt.Errorf("wine tier: go env %s: %w", key, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Result is what a finished program left.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Run runs cmd with stdin and collects its output and exit code; an error
// means it could not start or was killed.
func Run(cmd *exec.Cmd, stdin string) (Result, error) {
	var out, errOut bytes.Buffer
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errOut.String(), Code: -1}
	if cmd.ProcessState != nil {
		r.Code = cmd.ProcessState.ExitCode()
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && r.Code >= 0 {
		err = nil
	}
	return r, err
}
