//go:build linux || darwin

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// spawnEnv makes the bench binary a spawner: it runs the command of its
// arguments and writes the command's peak RSS to file descriptor 3.
const spawnEnv = "EXDIAG_BENCH_SPAWN"

// Linux keeps a process's peak RSS (ru_maxrss) across exec, and os/exec
// starts children with vfork semantics (CLONE_VM), so a child's ru_maxrss
// starts at its parent's peak: the bench, which holds the lab, would be
// measured instead of exdiag once exdiag uses less (Linux exec_mmap:
// setmax_mm_hiwater_rss). exdiag is therefore started by a fresh, small
// copy of the bench, whose own peak (a few MB) is the floor.

// spawned runs bin with args through a spawner and returns its peak RSS.
func spawned(cmd *exec.Cmd) (float64, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	self, err := os.Executable()
	if err != nil {
		w.Close()
		return 0, err
	}
	cmd.Args = append([]string{self}, cmd.Args...)
	cmd.Path = self
	cmd.Env = append(os.Environ(), spawnEnv+"=1")
	cmd.ExtraFiles = []*os.File{w}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return 0, err
	}
	var b strings.Builder
	buf := make([]byte, 64)
	for {
		n, rerr := r.Read(buf)
		b.WriteString(string(buf[:n]))
		if rerr != nil {
			break
		}
	}
	if err := cmd.Wait(); err != nil {
		return 0, err
	}
	mb, err := strconv.ParseFloat(strings.TrimSpace(b.String()), 64)
	if err != nil {
		return 0, fmt.Errorf("spawner reported %q: %v", b.String(), err)
	}
	return mb, nil
}

// spawn is the spawner's main: it runs args with the spawner's standard
// streams, reports the child's peak RSS on descriptor 3 and exits with the
// child's exit code.
func spawn(args []string) int {
	report := os.NewFile(3, "rss")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "bench: spawn:", err)
		return 1
	}
	fmt.Fprintln(report, peakRSSMB(cmd.ProcessState))
	return cmd.ProcessState.ExitCode()
}
