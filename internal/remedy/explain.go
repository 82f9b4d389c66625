package remedy

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/exdiag/exdiag/internal/diag"
)

// Explanation is what `exdiag explain CODE` says about a finding code, for
// Exchange administrators and helpdesk staff, in exdiag's own words drawn
// from the Microsoft articles in KB.
//
// Means, UserSees, Why and Fix are plain text: paragraphs separated by a
// blank line, to be wrapped by the reader; a line indented by two spaces is
// a command or an example and must be printed as it is.
type Explanation struct {
	Code     diag.Code
	Severity diag.Severity
	// Title is one line, for the list of codes.
	Title string
	// Means says what the finding means; UserSees what an Outlook user (or a
	// phone, or another mail server) experiences, with the exact dialog text
	// where there is one; Why the usual causes; Fix the way out, with the
	// cmdlets and the Exchange versions they apply to.
	Means, UserSees, Why, Fix string
	// KB names the Microsoft articles (and RFCs) the explanation draws on,
	// e.g. "KB 940726".
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

// Explain returns the explanation of code.
func Explain(code diag.Code) (Explanation, bool) {
	e, ok := explanationIndex()[code]
	if !ok {
		return Explanation{}, false
	}
	return clone(e), true
}

// Explanations returns every explanation, sorted by code.
func Explanations() []Explanation {
	all := allExplanations()
	out := make([]Explanation, 0, len(all))
	for _, e := range all {
		out = append(out, clone(e))
	}
	slices.SortFunc(out, func(a, b Explanation) int { return cmp.Compare(a.Code, b.Code) })
	return out
}

// allExplanations lists the explanations of each family of rules, as
// written in the explain_*.go files.
func allExplanations() []Explanation {
	return slices.Concat(certExplanations, cryptoExplanations, pathExplanations, connExplanations, orgExplanations, noteExplanations, clientExplanations)
}

var explanationIndex = sync.OnceValue(func() map[diag.Code]Explanation {
	m := map[diag.Code]Explanation{}
	for _, e := range allExplanations() {
		m[e.Code] = e
	}
	return m
})

func clone(e Explanation) Explanation {
	e.KB = slices.Clone(e.KB)
	return e
}

// text joins the paragraphs and command lines of a section.
func text(lines ...string) string { return strings.Join(lines, "\n") }
