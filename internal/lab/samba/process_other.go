//go:build !linux

package samba

import (
	"errors"
	"time"
)

var errNotLinux = errors.New("the Samba tier runs on Linux only")

func problem() string { return "runs on Linux only" }

func runIsolated(run func() int) int { return run() }

type process struct{}

func startProcess(string) (*process, error) { return nil, errNotLinux }

func (*process) alive() error { return errNotLinux }

func (*process) stop(time.Duration) error { return nil }
