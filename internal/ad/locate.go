package ad

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/exdiag/exdiag/internal/dnsquery"
)

// LocateDC finds the domain controllers of domain from the SRV records
// _ldap._tcp.dc._msdcs.DOMAIN and returns them as "host:port", lowest
// priority first and, within a priority, highest weight first. It asks
// dnsServers in turn, or the system resolver when there are none.
func LocateDC(ctx context.Context, domain string, dnsServers []string, timeout time.Duration) ([]string, error) {
	domain = strings.TrimSuffix(strings.TrimSpace(domain), ".")
	name := "_ldap._tcp.dc._msdcs." + domain
	op := "locate a domain controller"
	hint := "check the domain (--domain), give --dns-server an AD DNS server, or name a DC with --ldap-url ldaps://dc01." + domain
	if domain == "" {
		return nil, &Error{Op: op, Err: errors.New("no domain"), Hint: hint}
	}
	if len(dnsServers) == 0 {
		_, srvs, err := net.DefaultResolver.LookupSRV(ctx, "ldap", "tcp", "dc._msdcs."+domain)
		var dcs []string
		for _, s := range srvs {
			if t := strings.TrimSuffix(s.Target, "."); t != "" {
				dcs = append(dcs, net.JoinHostPort(t, strconv.Itoa(int(s.Port))))
			}
		}
		if len(dcs) == 0 {
			if err == nil {
				err = errors.New("no records")
			}
			return nil, &Error{Op: op, Err: fmt.Errorf("SRV %s from the system resolver: %w", name, err), Hint: hint}
		}
		return dcs, nil
	}

	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), dns.TypeSRV)
	var problems []string
	for _, server := range dnsServers {
		addr := server
		if _, _, err := net.SplitHostPort(server); err != nil {
			addr = net.JoinHostPort(server, "53")
		}
		dcs, err := querySRV(ctx, m, addr, timeout)
		if err == nil {
			return dcs, nil
		}
		problems = append(problems, fmt.Sprintf("%s: %v", addr, err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, &Error{Op: op, Err: fmt.Errorf("SRV %s: %s", name, strings.Join(problems, "; ")), Hint: hint}
}

// querySRV asks one server, over TCP when the UDP answer is truncated.
func querySRV(ctx context.Context, m *dns.Msg, addr string, timeout time.Duration) ([]string, error) {
	r, err := dnsquery.Ask(ctx, addr, m, timeout)
	if err != nil {
		return nil, err
	}
	if r.Rcode != dns.RcodeSuccess {
		return nil, errors.New(dns.RcodeToString[r.Rcode])
	}
	var srvs []*dns.SRV
	for _, rr := range r.Answer {
		// A target of "." means "no such service here" (RFC 2782).
		if s, ok := rr.(*dns.SRV); ok && s.Target != "." {
			srvs = append(srvs, s)
		}
	}
	if len(srvs) == 0 {
		return nil, errors.New("no records")
	}
	slices.SortStableFunc(srvs, func(a, b *dns.SRV) int {
		return cmp.Or(cmp.Compare(a.Priority, b.Priority), cmp.Compare(b.Weight, a.Weight), strings.Compare(a.Target, b.Target))
	})
	dcs := make([]string, len(srvs))
	for i, s := range srvs {
		dcs[i] = net.JoinHostPort(strings.TrimSuffix(s.Target, "."), strconv.Itoa(int(s.Port)))
	}
	return dcs, nil
}
