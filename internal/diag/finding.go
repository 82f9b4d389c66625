// Package diag judges: pure rules from the inventory and the probe's
// observations to findings. It does no I/O; the clock is an input.
package diag

import (
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/inventory"
)

// Severity orders findings. Its String form is the word printed in every
// format (colour is never the only signal).
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// Label is the upper-case word used in text and Markdown output.
func (s Severity) Label() string {
	switch s {
	case Error:
		return "ERROR"
	case Warning:
		return "WARN"
	}
	return "INFO"
}

// ParseSeverity reads "error", "warning" or "info" (case-insensitive).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info":
		return Info, nil
	}
	return Info, fmt.Errorf("unknown severity %q", s)
}

// Code is a finding's stable identifier. Codes never change meaning; they
// are documented in README.md and by `exdiag explain`.
type Code string

// Finding codes.
const (
	CodeNameMismatch          Code = "name-mismatch"
	CodeCNOnlyMatch           Code = "cn-only-match"
	CodeCertExpired           Code = "cert-expired"
	CodeCertNotYetValid       Code = "cert-not-yet-valid"
	CodeCertExpiring          Code = "cert-expiring"
	CodeCertSelfSigned        Code = "cert-self-signed"
	CodeCertUntrusted         Code = "cert-untrusted"
	CodeCertUnexpected        Code = "cert-unexpected"
	CodeDNSMissing            Code = "dns-missing"
	CodeUnreachable           Code = "unreachable"
	CodeTLSError              Code = "tls-error"
	CodeTLSLegacy             Code = "tls-legacy"
	CodeStartTLSMissing       Code = "starttls-missing"
	CodeURLInvalid            Code = "url-invalid"
	CodeURLNotHTTPS           Code = "url-not-https"
	CodePrincipalNameMismatch Code = "principal-name-mismatch"
	CodePrincipalNameSANOnly  Code = "principal-name-san-only"
	CodeSelfSignedExternal    Code = "self-signed-external"
	CodeServersDisagree       Code = "servers-disagree"
	CodeAutodiscoverDNS       Code = "autodiscover-dns-missing"
	CodeMailServiceDisabled   Code = "mail-service-disabled"
	CodeDNSError              Code = "dns-error"
	CodeDNSBadAddress         Code = "dns-bad-address"

	// Codes of what clients check beyond the name and the date
	// (rules_clients.go, rules_revocation.go).
	CodeCertRevoked           Code = "cert-revoked"
	CodeRevocationUnavailable Code = "revocation-unavailable"
	CodeChainIncomplete       Code = "chain-incomplete"
	CodeCertValidityTooLong   Code = "cert-validity-too-long"
	CodeCertEKUMissing        Code = "cert-eku-missing"

	// Codes of weak or malformed certificates (rules_crypto.go).
	CodeCertWeakKey                  Code = "cert-weak-key"
	CodeCertWeakSignature            Code = "cert-weak-signature"
	CodeCertNegativeSerial           Code = "cert-negative-serial"
	CodeCertUnknownCriticalExtension Code = "cert-unknown-critical-extension"

	// Codes of the path clients build (rules_path.go, nameconstraints.go, rules_profile.go).
	CodeChainExtraCert Code = "chain-extra-cert"
	CodeCertProfile    Code = "cert-profile"

	// Codes of the directory reader's notes (inventory.Note).
	CodeLDAPUnreadable        Code = "ldap-unreadable"
	CodeDirectoryValueUnsafe  Code = "directory-value-unsafe"
	CodeServerVersionUnknown  Code = "server-version-unknown"
	CodeServerFQDNUnknown     Code = "server-fqdn-unknown"
	CodeSCPPointer            Code = "autodiscover-scp-pointer"
	CodeSCPEmpty              Code = "autodiscover-scp-empty"
	CodeMultipleOrganizations Code = "multiple-organizations"
)

// noteSeverity grades the directory reader's notes; unlisted codes are Info.
var noteSeverity = map[Code]Severity{
	CodeLDAPUnreadable:       Warning,
	CodeDirectoryValueUnsafe: Error,
	CodeSCPEmpty:             Warning,
}

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
