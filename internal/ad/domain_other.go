//go:build !windows

package ad

import (
	"bufio"
	"errors"
	"io"
	"os"
	"strings"
)

// MachineDomain returns this machine's DNS domain: "domain", or else the
// first "search" suffix, of /etc/resolv.conf, or else the domain part of
// the host name.
func MachineDomain() (string, error) {
	var domain string
	if f, err := os.Open("/etc/resolv.conf"); err == nil {
		domain = resolvConfDomain(f)
		f.Close()
	}
	if domain == "" {
		if h, err := os.Hostname(); err == nil {
			if _, d, ok := strings.Cut(h, "."); ok {
				domain = d
			}
		}
	}
	if domain == "" {
		return "", errors.New(`no "domain" or "search" line in /etc/resolv.conf, and the host name has no domain`)
	}
	return domain, nil
}

// resolvConfDomain reads "domain" or the first "search" suffix; as in the
// resolver, the last of the two lines wins.
func resolvConfDomain(r io.Reader) string {
	var domain string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || strings.HasPrefix(f[0], "#") || strings.HasPrefix(f[0], ";") {
			continue
		}
		if f[0] == "domain" || f[0] == "search" {
			domain = strings.TrimSuffix(f[1], ".")
		}
	}
	return domain
}
