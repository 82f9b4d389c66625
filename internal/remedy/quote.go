// Package remedy suggests: for each finding, the Exchange Management Shell
// commands that fix it, for this organisation, with nothing left to edit.
// It is pure: findings and inventory in, commands out.
package remedy

import (
	"errors"
	"strings"

	"github.com/exdiag/exdiag/internal/safetext"
)

// isSingleQuote reports the five characters PowerShell's tokenizer treats
// as a single quote (CharExtensions.IsSingleQuote): a value that passed
// through Outlook, Word or a ticket system may hold the "smart" ones.
func isSingleQuote(r rune) bool {
	switch r {
	case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
		return true
	}
	return false
}

// ErrUnsafe is returned for values that must never be put into a command.
var ErrUnsafe = errors.New("value holds control characters or line breaks")

// Quote returns s as a PowerShell single-quoted string literal that reads
// back as s: every single-quote character is doubled, as PowerShell's own
// CodeGeneration.EscapeSingleQuotedStringContent does. Nothing else is
// special inside single quotes: no $ expansion, no backtick escapes.
func Quote(s string) (string, error) {
	if !safetext.Clean(s) {
		return "", ErrUnsafe
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, r := range s {
		b.WriteRune(r)
		if isSingleQuote(r) {
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String(), nil
}
