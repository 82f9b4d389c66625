// Package catalog is exdiag's one list of findings: for each code, what it
// means, its severity, a title, which clients it affects, and the
// explanation `exdiag explain` prints. diag emits these codes, ad's notes
// use them, remedy writes fixes for them, the report renderers show their
// titles, and tests hold README's table of codes to this list.
//
// The package is data only: no I/O, no dependency beyond the standard
// library, so that every other package may import it.
package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Code is a finding's stable identifier. Codes never change meaning.
type Code string

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

// Client is a kind of client (or peer) a finding affects.
type Client string

// The clients of an Exchange organisation.
const (
	OutlookWindows  Client = "Outlook on Windows"
	OutlookMac      Client = "Outlook for Mac"
	AppleMobile     Client = "iPhone and iPad"
	Android         Client = "Android"
	Browsers        Client = "browsers (OWA, ECP)"
	PopImapClients  Client = "POP3 and IMAP4 clients"
	MailServers     Client = "other mail servers"
	ExchangeServers Client = "Exchange servers"
)

// everyone is every client that reaches Exchange over HTTPS, and the mail
// servers for SMTP: what a broken certificate or name affects.
var everyone = []Client{OutlookWindows, OutlookMac, AppleMobile, Android, Browsers, MailServers}

// Entry is everything exdiag says about one code.
//
// Means, UserSees, Why and Fix are plain text: paragraphs separated by a
// blank line, to be wrapped by the reader; a line indented by two spaces is
// a command or an example and must be printed as it is.
type Entry struct {
	Code Code
	// Severity is the highest the code is reported with; a rule may report
	// it lower where the README's table says so (e.g. on SMTP).
	Severity Severity
	// Note marks a fact the directory reader reports (inventory.Note)
	// rather than a verdict on what clients see.
	Note bool
	// Title is one line, for the list of codes and report headings.
	Title string
	// Clients are those the finding affects (none for the reader's notes
	// and for checks of the run's own expectations).
	Clients []Client
	// Means says what the finding means; UserSees what an Outlook user (or a
	// phone, or another mail server) experiences, with the exact dialog text
	// where there is one; Why the usual causes; Fix the way out, with the
	// cmdlets and the Exchange versions they apply to.
	Means, UserSees, Why, Fix string
	// KB names the Microsoft articles (and RFCs) the explanation draws on.
	KB []string
}

// References used by the explanations.
const (
	kb940726   = "KB 940726"  // Outlook: the name of the security certificate is invalid (SCP, InternalUrls)
	kb2710606  = "KB 2710606" // Mutual Authentication could not be established (EXPR CertPrincipalName)
	kb953354   = "KB 953354"  // Exchange 2007 self-signed certificate expired: STARTTLS, events 12014/12015
	kb3211279  = "KB 3211279" // Outlook 2016 Autodiscover lookup order
	selfSigned = "Exchange 2007 documentation: self-signed certificates"
	rfc6125    = "RFC 6125"
)

// Lookup returns the entry of code.
func Lookup(code Code) (Entry, bool) {
	e, ok := index()[code]
	if !ok {
		return Entry{}, false
	}
	return clone(e), true
}

// Title is the title of code, or the code itself when it has no entry.
func Title(code Code) string {
	if e, ok := index()[code]; ok {
		return e.Title
	}
	return string(code)
}

// SeverityOf is the severity of code's entry (Info when it has none).
func SeverityOf(code Code) Severity { return index()[code].Severity }

// All returns every entry, sorted by code.
func All() []Entry {
	all := written()
	out := make([]Entry, 0, len(all))
	for _, e := range all {
		out = append(out, clone(e))
	}
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(a.Code, b.Code) })
	return out
}

// written lists the entries of each family of rules, as the entries_*.go
// files write them.
func written() []Entry {
	return slices.Concat(certEntries, cryptoEntries, connEntries, orgEntries, noteEntries, clientEntries, pathEntries, directoryEntries)
}

var index = sync.OnceValue(func() map[Code]Entry {
	m := map[Code]Entry{}
	for _, e := range written() {
		m[e.Code] = e
	}
	return m
})

func clone(e Entry) Entry {
	e.KB = slices.Clone(e.KB)
	e.Clients = slices.Clone(e.Clients)
	return e
}

// text joins the paragraphs and command lines of a section.
func text(lines ...string) string { return strings.Join(lines, "\n") }
