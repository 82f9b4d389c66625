//go:build !linux && !darwin

package main

import "os/exec"

const spawnEnv = "EXDIAG_BENCH_SPAWN"

// spawned runs cmd; its peak RSS is not measured on this platform.
func spawned(cmd *exec.Cmd) (float64, error) { return 0, cmd.Run() }

// spawn is never asked for on this platform.
func spawn([]string) int { return 2 }
