//go:build linux

package samba

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

const installHint = "samba not installed (apt-get install samba-ad-dc samba krb5-user samba-ad-provision)"

// problem says why this machine cannot run the DC, or "".
var problem = sync.OnceValue(func() string {
	for _, prog := range []string{"samba", "samba-tool"} {
		if _, err := exec.LookPath(prog); err != nil {
			return installHint
		}
	}
	if os.Geteuid() != 0 {
		return "needs root: the DC runs in a network namespace of its own, on ports 88, 389 and 636"
	}
	if err := tryNetNS(); err != nil {
		return fmt.Sprintf("cannot make a network namespace: %v", err)
	}
	return ""
})

// netnsVar marks the test binary that runIsolated started in the new
// network namespace.
const netnsVar = "EXDIAG_SAMBA_NETNS"

func runIsolated(run func() int) int {
	if os.Getenv(netnsVar) != "" {
		if err := loopbackUp(); err != nil {
			fmt.Fprintln(os.Stderr, "samba tier: bring up loopback in the network namespace:", err)
			return 1
		}
		return run()
	}
	if problem() != "" {
		return run()
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "samba tier:", err)
		return 1
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), netnsVar+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	// Pdeathsig follows the thread that started the child: keep it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee) && ee.ExitCode() > 0:
		return ee.ExitCode()
	}
	fmt.Fprintln(os.Stderr, "samba tier: the tests in their network namespace:", err)
	return 1
}

// tryNetNS makes a network namespace on a thread that then ends with it,
// to learn whether this process may (root, and a kernel and container
// that allow it).
func tryNetNS() error {
	errc := make(chan error, 1)
	go func() {
		// Never unlocked: the thread, in its own namespace, exits with
		// this goroutine.
		runtime.LockOSThread()
		errc <- unix.Unshare(unix.CLONE_NEWNET)
	}()
	return <-errc
}

// loopbackUp brings up lo, which a new network namespace starts with down.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// process is the DC's samba process, started by startProcess.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd.Wait returned
	err    error         // cmd.Wait's error, once exited is closed
}

// startProcess runs samba in the foreground as a single process, writing
// its log to dir/samba.log. Should the test binary die first, the kernel
// kills the DC (Pdeathsig).
func startProcess(dir string) (*process, error) {
	log, err := os.Create(filepath.Join(dir, "samba.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("samba", "-s", filepath.Join(dir, "etc", "smb.conf"), "-i", "-M", "single")
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start samba: %w", err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		log.Close()
		close(p.exited)
	}()
	return p, nil
}

// alive reports an error once the process has exited.
func (p *process) alive() error {
	select {
	case <-p.exited:
		return fmt.Errorf("samba (pid %d) exited: %v", p.cmd.Process.Pid, p.err)
	default:
		return nil
	}
}

// stop sends SIGTERM to the process id, waits up to grace, then sends
// SIGKILL and waits 5 s more.
func (p *process) stop(grace time.Duration) error {
	pid := p.cmd.Process.Pid
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		// os.Process signals through a pidfd: never a reused process id.
		if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return fmt.Errorf("signal samba (pid %d): %w", pid, err)
		}
		select {
		case <-p.exited:
			return nil
		case <-time.After(grace):
		}
		grace = 5 * time.Second
	}
	return fmt.Errorf("samba (pid %d) did not exit after SIGKILL", pid)
}
