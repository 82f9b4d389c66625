//go:build !windows

package probe

import (
	"fmt"
	"net"
	"strings"

	"github.com/miekg/dns"
)

// resolvConf is where the system's DNS configuration lives.
const resolvConf = "/etc/resolv.conf"

// SystemDNS returns the DNS servers (ip:port) and search domains this
// machine uses, from /etc/resolv.conf. A "domain" line counts as the search list.
func SystemDNS() (servers []string, search []string, err error) {
	cfg, err := dns.ClientConfigFromFile(resolvConf)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", resolvConf, err)
	}
	for _, s := range cfg.Servers {
		servers = append(servers, net.JoinHostPort(s, cfg.Port))
	}
	for _, d := range cfg.Search {
		if d = strings.Trim(d, "."); d != "" {
			search = append(search, strings.ToLower(d))
		}
	}
	return servers, search, nil
}
