//go:build race

package ad

// raceDetector: the race detector drops sync.Pool items at random, so code
// that pools its buffers (regexp, fmt) allocates them again.
const raceDetector = true
