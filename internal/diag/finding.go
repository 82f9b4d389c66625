// Package diag judges: pure rules from the inventory and the probe's
// observations to findings. It does no I/O; the clock is an input.
package diag

import (
	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
)

// Severity and Code are the catalogue's: every code, its severity and its
// explanation are defined once, in internal/catalog.
type (
	Severity = catalog.Severity
	Code     = catalog.Code
)

// The severities, as the rules write them.
const (
	Info    = catalog.Info
	Warning = catalog.Warning
	Error   = catalog.Error
)

// ParseSeverity reads "error", "warning" or "info" (case-insensitive).
func ParseSeverity(s string) (Severity, error) { return catalog.ParseSeverity(s) }

// Finding is one problem, on one host (and address, when the problem is in
// what that address served), affecting one or more URLs.
type Finding struct {
	Code     Code
	Severity Severity
	// Host is the name clients use; Address the ip:port connected to, empty
	// when no connection is involved (dns-missing, url-invalid).
	Host    string
	Address string
	// URLs are every URL this finding affects, in input order.
	URLs []string
	// Message says what an Outlook user would see and why, in one paragraph.
	Message string
	// Sources name the directory objects (or flags) holding the URLs.
	Sources []inventory.Source
	// Fix holds the commands that fix the finding, in the order to run them.
	Fix []Fix
	// Thumbprint is the SHA-1 of the leaf involved, when a certificate is.
	Thumbprint string
	// Servers are the per-server observations the finding compares
	// (servers-disagree); renderers group them by certificate.
	Servers []ServerCert
	// Cause refines the code with a stable token where one code has
	// several causes (a probe.ErrorKind for tls-error, a probe.TrustReason
	// for cert-untrusted), so that fixes never depend on message text.
	Cause string
}

// URL is the first URL the finding affects.
func (f Finding) URL() string {
	if len(f.URLs) == 0 {
		return ""
	}
	return f.URLs[0]
}

// Fix is one step of a remedy: a command to paste, or a manual step when
// Command is empty.
type Fix struct {
	// Comment explains the step ("on EX01, as an Exchange administrator").
	Comment string
	// Shell is the shell the command is for ("powershell" for the Exchange
	// Management Shell); empty for a manual step.
	Shell   string
	Command string
	// Server is the Exchange server the command acts on; empty when it acts
	// on the organisation (Set-OutlookProvider) or on DNS.
	Server string
	// Local marks a command that works only in a shell on Server itself
	// (Exchange 2007's certificate cmdlets have no -Server), so a script run
	// elsewhere must not run it.
	Local bool
}
