package probe

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// Pin is one --resolve or --connect-to rule, with curl's semantics. Pins
// change where exdiag connects, never the name it sends (SNI) or checks.
type Pin struct {
	// ConnectTo is true for a --connect-to rule, false for --resolve.
	ConnectTo bool
	// Host is the URL host the rule applies to: lower case, IPv6 without
	// brackets. "" and "*" match any host.
	Host string
	// Port is the URL port the rule applies to; 0 matches any port.
	Port int
	// Addrs are the --resolve addresses; the first is used.
	Addrs []netip.Addr
	// ConnectHost replaces the host (--connect-to); "" keeps it. It may be
	// a name, which is looked up at the DNS servers in use.
	ConnectHost string
	// ConnectPort replaces the port (--connect-to); 0 keeps it.
	ConnectPort int
}

// Kind is "resolve" or "connect-to", as recorded in EndpointObservation.Pin.
func (p Pin) Kind() string {
	if p.ConnectTo {
		return "connect-to"
	}
	return "resolve"
}

// String is the rule in its flag syntax.
func (p Pin) String() string {
	port := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	if p.ConnectTo {
		return bracket(p.Host) + ":" + port(p.Port) + ":" + bracket(p.ConnectHost) + ":" + port(p.ConnectPort)
	}
	addrs := make([]string, len(p.Addrs))
	for i, a := range p.Addrs {
		addrs[i] = bracket(a.String())
	}
	return bracket(p.Host) + ":" + port(p.Port) + ":" + strings.Join(addrs, ",")
}

// matches reports whether the rule applies to host:port.
func (p Pin) matches(host string, port int) bool {
	if p.Port != 0 && p.Port != port {
		return false
	}
	if !p.ConnectTo && len(p.Addrs) == 0 {
		return false
	}
	return p.Host == "" || p.Host == "*" || p.Host == host
}

// ParseResolve parses a --resolve rule: HOST:PORT:ADDR[,ADDR]... where each
// ADDR is an IP address (IPv6 optionally in brackets) and HOST "*" matches
// any host name.
func ParseResolve(s string) (Pin, error) {
	bad := func(format string, a ...any) (Pin, error) {
		return Pin{}, fmt.Errorf("--resolve %q: "+format, append([]any{s}, a...)...)
	}
	// curl's "+HOST" asks for a cache entry that times out; exdiag has no cache.
	f, rest, ok := splitField(strings.TrimPrefix(s, "+"), 2)
	if !ok || f[0] == "" || rest == "" {
		return bad("want HOST:PORT:ADDR[,ADDR]...")
	}
	host, err := pinHost(f[0])
	if err != nil {
		return bad("%v", err)
	}
	port, err := pinPort(f[1], false)
	if err != nil {
		return bad("%v", err)
	}
	p := Pin{Host: host, Port: port}
	for a := range strings.SplitSeq(rest, ",") {
		ip, err := netip.ParseAddr(unbracket(strings.TrimSpace(a)))
		if err != nil || ip.Zone() != "" {
			return bad("%q is not an IP address", a)
		}
		p.Addrs = append(p.Addrs, ip.Unmap())
	}
	return p, nil
}

// ParseConnectTo parses a --connect-to rule: HOST:PORT:CONNECT_HOST:CONNECT_PORT.
// An empty HOST or PORT matches any; an empty CONNECT_HOST or CONNECT_PORT
// keeps the URL's. IPv6 addresses must be in brackets.
func ParseConnectTo(s string) (Pin, error) {
	bad := func(format string, a ...any) (Pin, error) {
		return Pin{}, fmt.Errorf("--connect-to %q: "+format, append([]any{s}, a...)...)
	}
	f, rest, ok := splitField(s, 3)
	if !ok || strings.Contains(rest, ":") {
		return bad("want HOST:PORT:CONNECT_HOST:CONNECT_PORT (IPv6 addresses in brackets)")
	}
	p := Pin{ConnectTo: true}
	var err error
	if p.Host, err = pinHost(f[0]); err != nil {
		return bad("%v", err)
	}
	if p.Host == "*" {
		p.Host = ""
	}
	if p.Port, err = pinPort(f[1], true); err != nil {
		return bad("%v", err)
	}
	if p.ConnectHost, err = pinHost(f[2]); err != nil || p.ConnectHost == "*" {
		return bad("connect host %q is not a host name or IP address", f[2])
	}
	if p.ConnectPort, err = pinPort(rest, true); err != nil {
		return bad("%v", err)
	}
	return p, nil
}

// splitField splits s at its first n colons outside brackets.
func splitField(s string, n int) (fields []string, rest string, ok bool) {
	depth, start := 0, 0
	for i := 0; i < len(s) && len(fields) < n; i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
		case ':':
			if depth == 0 {
				fields = append(fields, s[start:i])
				start = i + 1
			}
		}
	}
	if len(fields) < n {
		return nil, "", false
	}
	return fields, s[start:], true
}

func pinHost(s string) (string, error) {
	if strings.HasPrefix(s, "[") {
		a, err := netip.ParseAddr(unbracket(s))
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", fmt.Errorf("%q is not an IPv6 address", s)
		}
		return a.String(), nil
	}
	if strings.ContainsAny(s, "[]/ ") {
		return "", fmt.Errorf("%q is not a host name", s)
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().String(), nil
	}
	if s == "" || s == "*" {
		return s, nil
	}
	ascii, err := idna.Lookup.ToASCII(strings.TrimSuffix(s, "."))
	if err != nil {
		return "", fmt.Errorf("%q is not a valid host name", s)
	}
	return strings.ToLower(ascii), nil
}

func pinPort(s string, emptyOK bool) (int, error) {
	if s == "" && emptyOK {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("port %q is not a number from 1 to 65535", s)
	}
	return n, nil
}

func unbracket(s string) string {
	if len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' {
		return s[1 : len(s)-1]
	}
	return s
}

func bracket(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

// pinAddress is the address a --resolve rule sends a connection to.
func (p Pin) pinAddress(port int) string {
	return net.JoinHostPort(p.Addrs[0].String(), strconv.Itoa(port))
}

// address chooses where to connect for t: the first matching pin, else the
// first A (then AAAA) address found in DNS. It returns "" when there is no
// address, and a detail when a --connect-to name could not be resolved
// (addr is then that name and port, for the record).
func (p *Prober) address(t Target, lookups map[string]*DNSResult) (addr, pin, errDetail string) {
	if rule, ok := p.pinFor(t.Host, t.Port); ok {
		if !rule.ConnectTo {
			return rule.pinAddress(t.Port), rule.Kind(), ""
		}
		host, port := p.connectTarget(rule, t)
		hp := net.JoinHostPort(host, strconv.Itoa(port))
		if isIP(host) {
			return hp, rule.Kind(), ""
		}
		if r, ok := p.resolvePin(host, port); ok {
			return r.pinAddress(port), rule.Kind(), ""
		}
		res := lookups[host]
		if a, ok := firstAddr(res); ok {
			return net.JoinHostPort(a.String(), strconv.Itoa(port)), rule.Kind(), ""
		}
		if host == t.Host {
			return "", "", "" // a port-only remap still needs the name in DNS, as clients do
		}
		detail := "--connect-to " + rule.String() + ": " + host + " has no address"
		if res != nil {
			detail += " (" + string(res.Status) + ": " + res.Detail + ")"
		}
		return hp, rule.Kind(), detail
	}
	if t.IsIP() {
		return t.HostPort(), "", ""
	}
	if a, ok := firstAddr(lookups[t.Host]); ok {
		return net.JoinHostPort(a.String(), strconv.Itoa(t.Port)), "", ""
	}
	return "", "", ""
}

// pinFor returns the first pin that applies to host:port. --resolve rules
// apply only to names, as in curl: an IP literal is never resolved.
func (p *Prober) pinFor(host string, port int) (Pin, bool) {
	for _, pin := range p.cfg.Pins {
		if (pin.ConnectTo || !isIP(host)) && pin.matches(host, port) {
			return pin, true
		}
	}
	return Pin{}, false
}

// resolvePin returns the first --resolve rule for host:port. As in curl,
// --resolve also applies to the host a --connect-to rule leads to.
func (p *Prober) resolvePin(host string, port int) (Pin, bool) {
	for _, pin := range p.cfg.Pins {
		if !pin.ConnectTo && pin.matches(host, port) {
			return pin, true
		}
	}
	return Pin{}, false
}

func (p *Prober) connectTarget(pin Pin, t Target) (string, int) {
	host, port := t.Host, t.Port
	if pin.ConnectHost != "" {
		host = pin.ConnectHost
	}
	if pin.ConnectPort != 0 {
		port = pin.ConnectPort
	}
	return host, port
}

// firstAddr is the first address of res a client can connect to.
func firstAddr(res *DNSResult) (netip.Addr, bool) {
	if res == nil || res.Status != DNSFound {
		return netip.Addr{}, false
	}
	for _, a := range res.Addrs {
		if Usable(a) {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// Usable reports an address a client can connect to: not unspecified
// (0.0.0.0, ::, which Linux routes to the local machine), not broadcast,
// not multicast.
func Usable(a netip.Addr) bool {
	return a.IsValid() && !a.IsUnspecified() && !a.IsMulticast() && a != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

func isIP(host string) bool {
	_, err := netip.ParseAddr(host)
	return err == nil
}
