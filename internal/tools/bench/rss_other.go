//go:build !linux && !darwin

package main

import "os"

// peakRSSMB is not measured on this platform.
func peakRSSMB(*os.ProcessState) float64 { return 0 }
