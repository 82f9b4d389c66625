package safetext

import "strings"

// MaskURLPassword returns rawURL with the password of its user information
// ("https://user:pass@host/") replaced by "xxxxx", as net/url's Redacted
// does, but on the text as written: a URL that does not parse is masked
// too, and nothing else of it changes. exdiag reports such a URL as
// invalid; the report must not carry the password.
func MaskURLPassword(rawURL string) string {
	scheme := strings.Index(rawURL, "://")
	if scheme < 0 {
		return rawURL
	}
	rest := rawURL[scheme+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		return rawURL
	}
	colon := strings.Index(rest[:at], ":")
	if colon < 0 {
		return rawURL
	}
	return rawURL[:scheme+3] + rest[:colon+1] + "xxxxx" + rest[at:]
}
