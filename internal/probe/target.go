package probe

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// StartTLS names the plain-text protocol spoken before a STARTTLS upgrade.
type StartTLS string

// STARTTLS protocols; None means TLS from the first byte.
const (
	StartTLSNone StartTLS = ""
	StartTLSSMTP StartTLS = "smtp"
	StartTLSIMAP StartTLS = "imap"
	StartTLSPOP3 StartTLS = "pop3"
)

// Target is an endpoint URL parsed into what a connection needs.
type Target struct {
	URL    string // as given
	Scheme string // https, http, smtp, imaps, imap, pop3s, pop3
	// Host is the name clients use, lower case, IDNs in A-label form,
	// IPv6 literals without brackets. It is the SNI and the name checked.
	Host     string
	Port     int
	StartTLS StartTLS
	// Plain is true for schemes that never use TLS (http://): only DNS is checked.
	Plain bool
}

// IsIP reports whether the target's host is an IP literal.
func (t Target) IsIP() bool {
	_, err := netip.ParseAddr(t.Host)
	return err == nil
}

// HostPort is host:port with IPv6 literals bracketed.
func (t Target) HostPort() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }

var schemes = map[string]struct {
	port     int
	starttls StartTLS
	plain    bool
}{
	"https": {443, StartTLSNone, false},
	"http":  {80, StartTLSNone, true},
	"smtp":  {25, StartTLSSMTP, false},
	"imaps": {993, StartTLSNone, false},
	"imap":  {143, StartTLSIMAP, false},
	"pop3s": {995, StartTLSNone, false},
	"pop3":  {110, StartTLSPOP3, false},
}

// hostProfile maps host names as clients look them up (IDNA 2008, A-labels)
// and rejects other characters than letters, digits and hyphens, empty
// labels, labels over 63 bytes and names over 253.
var hostProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.VerifyDNSLength(true))

// ErrBadURL is wrapped by every ParseTarget error.
var ErrBadURL = errors.New("invalid URL")

// maxURLLen bounds what exdiag will try to parse; AD values can be huge.
const maxURLLen = 4096

// ParseTarget parses an endpoint URL. A bare host name (or host:port) means
// https://HOST/. Outlook Anywhere stores bare host names too.
func ParseTarget(raw string) (Target, error) {
	t := Target{URL: raw}
	if len(raw) > maxURLLen {
		return t, fmt.Errorf("%w: %d bytes long", ErrBadURL, len(raw))
	}
	s := strings.TrimSpace(raw)
	if s == "" {
		return t, fmt.Errorf("%w: empty", ErrBadURL)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == ' ' {
			return t, fmt.Errorf("%w: contains a space or control character", ErrBadURL)
		}
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return t, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	t.Scheme = strings.ToLower(u.Scheme)
	def, ok := schemes[t.Scheme]
	if !ok {
		return t, fmt.Errorf("%w: unknown scheme %q (want https, smtp, imaps, imap, pop3s or pop3)", ErrBadURL, u.Scheme)
	}
	if u.User != nil {
		return t, fmt.Errorf("%w: contains user information before the host", ErrBadURL)
	}
	t.StartTLS, t.Plain, t.Port = def.starttls, def.plain, def.port
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return t, fmt.Errorf("%w: port %q out of range 1-65535", ErrBadURL, p)
		}
		t.Port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return t, fmt.Errorf("%w: empty port", ErrBadURL)
	}
	host := u.Hostname()
	if host == "" {
		return t, fmt.Errorf("%w: no host name", ErrBadURL)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return t, fmt.Errorf("%w: IPv6 zone %q not supported", ErrBadURL, a.Zone())
		}
		t.Host = a.String()
		return t, nil
	}
	ascii, err := hostProfile.ToASCII(strings.TrimSuffix(host, "."))
	if err != nil {
		return t, fmt.Errorf("%w: host %q is not a valid DNS name: %v", ErrBadURL, host, err)
	}
	if ascii == "" {
		return t, fmt.Errorf("%w: host %q is empty once normalised", ErrBadURL, host)
	}
	t.Host = strings.ToLower(ascii)
	return t, nil
}
