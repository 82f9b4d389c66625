//go:build linux

package samba

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

const installHint = "samba not installed (apt-get install samba-ad-dc samba krb5-user samba-ad-provision)"

// problem says why this machine cannot run the DC, or "".
func problem() string {
	if _, err := exec.LookPath("samba"); err != nil {
		return installHint
	}
	if _, err := exec.LookPath("samba-tool"); err != nil {
		return installHint
	}
	if os.Geteuid() != 0 {
		return "needs root (Samba binds ports 88, 389 and 636 on loopback)"
	}
	return ""
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
