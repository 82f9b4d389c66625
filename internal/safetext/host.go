package safetext

import "strings"

// HostName reports whether s is a usable DNS host name in the form clients
// and DNS servers accept for a record or a URL: labels of letters, digits
// and hyphens (LDH, RFC 1123 section 2.1), none starting or ending with a
// hyphen, each at most 63 characters, at most 253 in all, an optional
// final dot. Underscores, spaces, quotes and every other character are
// refused, so a certificate name holding them is never made a fix target.
// A name of digits and dots only is refused too: that is an IPv4 address
// (RFC 1123 section 2.1 asks that a host name never look like one).
func HostName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	allDigits := true
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-':
				allDigits = false
			case c >= '0' && c <= '9':
			default:
				return false
			}
		}
	}
	return !allDigits
}
