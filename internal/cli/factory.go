package cli

import (
	"time"

	"github.com/exdiag/exdiag/internal/probe"
	"github.com/exdiag/exdiag/internal/term"
)

// Factory holds the dependencies every command draws from. Main builds the
// real one; tests and the lab build their own.
type Factory struct {
	IO *term.IO
	// Now is the clock findings are judged against.
	Now func() time.Time
	// Dialer opens TCP connections for probes; nil means the system's.
	Dialer probe.Dialer
	// SystemDNS returns the machine's DNS servers and search list.
	SystemDNS func() (servers, search []string, err error)
	// Version is the build's version string.
	Version string
}

// NewFactory returns the production dependencies.
func NewFactory(io *term.IO, version string) *Factory {
	return &Factory{IO: io, Now: time.Now, SystemDNS: probe.SystemDNS, Version: version}
}
