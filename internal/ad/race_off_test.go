//go:build !race

package ad

const raceDetector = false
