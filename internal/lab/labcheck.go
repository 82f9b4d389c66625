package lab

import (
	"crypto/tls"
	"fmt"
	"maps"
	"net"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/exdiag/exdiag/internal/ad"
)

// startLDAP serves the scenario's organisation over LDAP and LDAPS, as a
// domain controller that requires TLS for simple binds, like AD with LDAP
// signing required.
func (l *Lab) startLDAP() error {
	o := l.Scenario.Org
	dc, err := l.PKI.DC("dc01."+o.Domain, net.IPv4(127, 0, 0, 1))
	if err != nil {
		return err
	}
	user, _, _ := strings.Cut(LabUser, `\`)
	upn := strings.TrimPrefix(LabUser, user+`\`) + "@" + o.Domain
	l.LDAP, err = StartLDAP(LDAPSpec{
		Entries: o.LDAPEntries(), ConfigNC: o.ConfigNC(), DefaultNC: o.DefaultNC(), DNSHostName: "dc01." + o.Domain,
		Users:             map[string]string{LabUser: LabPassword, upn: LabPassword},
		RequireTLSForBind: true,
		NTLM:              true,
		TLS:               &tls.Config{Certificates: []tls.Certificate{dc}, MinVersion: tls.VersionTLS12},
	})
	return err
}

// EntriesFromAD converts entries read by the directory reader (from an
// LDIF file) into the lab LDAP server's entries.
func EntriesFromAD(entries []ad.Entry) []LDAPEntry {
	out := make([]LDAPEntry, len(entries))
	for i, e := range entries {
		out[i].DN = e.DN
		for _, a := range e.Attrs {
			out[i].Attrs = append(out[i].Attrs, LDAPAttr{Name: a.Name, Values: a.Values})
		}
	}
	return out
}

// CheckArgs are the flags that point `exdiag check` at the lab: only public
// flags, so what runs against the lab is what runs against a real
// organisation. The password goes to standard input (--password-stdin).
func (l *Lab) CheckArgs() []string {
	return append([]string{
		"--ldap-url", "ldaps://" + l.LDAP.LDAPSAddr(),
		"--auth", "simple", "--user", LabUser, "--password-stdin",
	}, l.NetworkArgs()...)
}

// NetworkArgs are CheckArgs without the directory: what --ldif, or another
// directory holding the same organisation (the Samba tier), needs.
func (l *Lab) NetworkArgs() []string {
	o := l.Scenario.Org
	args := []string{
		"--dns-server", l.DNS.Addr(), "--dns-search", o.Domain,
		"--ca-file", l.CAFile(),
		"--as-of", Clock.Format(time.RFC3339),
	}
	for _, p := range slices.Sorted(maps.Keys(l.Ports)) {
		args = append(args, "--connect-to", fmt.Sprintf(":%d::%d", p, l.Ports[p]))
	}
	if l.PublicDNS != nil {
		args = append(args, "--external-dns-server", l.PublicDNS.Addr())
	}
	if l.Scenario.Expect != "" {
		args = append(args, "--expect-thumbprint", l.Thumbprint(l.Scenario.Expect))
	}
	return args
}

// loopbackHint explains a failure to listen on 127.0.0.x where only
// 127.0.0.1 exists by default.
func loopbackHint() string {
	if runtime.GOOS != "darwin" {
		return ""
	}
	var last []string
	for _, name := range Scenarios() {
		sc, _ := Load(name)
		for _, s := range sc.Org.Servers {
			if octet := strings.TrimPrefix(s.IP, "127.0.0."); octet != s.IP && !slices.Contains(last, octet) {
				last = append(last, octet)
			}
		}
	}
	slices.SortFunc(last, func(a, b string) int { return len(a) - len(b) + strings.Compare(a, b)*boolInt(len(a) == len(b)) })
	return " (macOS configures only 127.0.0.1: add the lab's addresses with: for i in " + strings.Join(last, " ") + "; do sudo ifconfig lo0 alias 127.0.0.$i up; done)"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
