package ad

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
)

// errNoOrg says the entries hold no Exchange organisation.
var errNoOrg = errors.New("no Exchange organization (msExchOrganizationContainer under CN=Microsoft Exchange,CN=Services) in the directory data")

// findOrg names the organisation and the configuration naming context,
// from the msExchOrganizationContainer or, failing that, from any DN below
// CN=Microsoft Exchange,CN=Services.
func (c *converter) findOrg(objs []object) error {
	var orgs []string
	var p dnPath
	for _, o := range objs {
		if !o.parsed {
			continue
		}
		e := o.e
		p, _ = parseDNInto(p, e.DN)
		i := p.index("Microsoft Exchange")
		if i < 1 || !p.at(i+1).is("Services") {
			continue
		}
		if c.org.ConfigNC == "" {
			c.org.ConfigNC = joinDN(p[i+2:])
		}
		if i == 1 && e.IsA("msExchOrganizationContainer") {
			orgs = append(orgs, p.at(0).val)
		} else if c.org.Name == "" {
			c.org.Name = p.at(i - 1).val
		}
	}
	if len(orgs) > 0 {
		c.org.Name = orgs[0]
	}
	if c.org.Name == "" {
		return &Error{Op: "read exchange configuration", Err: errNoOrg,
			Hint: `export the whole Exchange subtree: ldifde -f exchange.ldf -d "CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=…"`}
	}
	if len(orgs) > 1 {
		c.note(catalog.MultipleOrganizations, fmt.Sprintf("the directory holds %d Exchange organizations (%s); all are read", len(orgs), strings.Join(orgs, ", ")), inventory.Source{})
	}
	return nil
}

// server reads an msExchExchangeServer. Exchange 2013+ also keeps
// msExchExchangeTransportServer objects (CN=Mailbox,CN=Transport
// Configuration,CN=EX16,CN=Servers,…) that match the class: only children of
// CN=Servers are servers.
func (c *converter) server(e Entry, p dnPath) {
	if !e.IsA("msExchExchangeServer") || !p.at(1).is("Servers") {
		return
	}
	s := inventory.Server{Name: p.at(0).val, DN: e.DN}
	if cn := c.first(e, "cn"); cn != "" {
		s.Name = cn
	}
	if _, dup := c.servers[strings.ToLower(s.Name)]; dup {
		return
	}
	src := inventory.Source{Server: s.Name, Object: s.Name, DN: e.DN}
	for _, v := range c.values(e, "networkAddress", src) {
		if len(v) > len("ncacn_ip_tcp:") && strings.EqualFold(v[:len("ncacn_ip_tcp:")], "ncacn_ip_tcp:") {
			s.FQDN = v[len("ncacn_ip_tcp:"):]
			break
		}
	}
	if s.FQDN == "" {
		src.Attribute = "networkAddress"
		c.note(catalog.ServerFQDNUnknown, fmt.Sprintf("server %s has no ncacn_ip_tcp: networkAddress, so its FQDN is unknown", s.Name), src)
	}
	if sn := c.first(e, "serialNumber"); sn != "" {
		v, err := inventory.ParseSerialNumber(sn)
		if err != nil {
			src.Attribute = "serialNumber"
			c.note(catalog.ServerVersionUnknown, fmt.Sprintf("server %s: %v", s.Name, err), src)
		}
		s.Version = v
	}
	if r, err := strconv.Atoi(strings.TrimSpace(c.first(e, "msExchCurrentServerRoles"))); err == nil {
		s.Roles = inventory.Roles(r)
	}
	if site, ok := parseDN(c.first(e, "msExchServerSite")); ok {
		s.Site = site.at(0).val
	}
	c.internalTransportCert(e, &s)
	c.servers[strings.ToLower(s.Name)] = &s
}

// checkReadable turns absences that usually mean "this account may not
// read it" into notes, so that they are not taken for "not configured".
func (c *converter) checkReadable() {
	if len(c.servers) == 0 {
		c.note(catalog.LDAPUnreadable, "no Exchange server objects were read: the account may not list CN=Servers of the administrative group", inventory.Source{})
	}
	for _, s := range c.servers {
		cas := s.Roles.Has(inventory.RoleClientAccess) || s.Roles.Has(inventory.RoleCafe) ||
			s.Version.Major >= 15 && s.Roles.Has(inventory.RoleMailbox)
		if cas && c.vdirs[strings.ToLower(s.Name)] == 0 {
			c.note(catalog.LDAPUnreadable, fmt.Sprintf("no virtual directories were read for %s although it has the Client Access role: the account may not read CN=Protocols,CN=%s (compare with Get-OwaVirtualDirectory -Server %s)", s.Name, s.Name, s.Name),
				inventory.Source{Server: s.Name, Object: s.Name, DN: s.DN})
		}
	}
	if len(c.servers) > 0 && len(c.org.Providers) == 0 {
		c.note(catalog.LDAPUnreadable, "no Outlook providers (EXCH, EXPR, WEB) were read under CN=Outlook,CN=AutoDiscover,CN=Client Access: the account may not read them (compare with Get-OutlookProvider)", inventory.Source{})
	}
}

// joinDN writes components back as a DN, escaping as RFC 4514 asks.
func joinDN(p dnPath) string {
	parts := make([]string, len(p))
	for i, r := range p {
		parts[i] = r.typ + "=" + escapeDNValue(r.val)
	}
	return strings.Join(parts, ",")
}

func escapeDNValue(v string) string {
	var b strings.Builder
	for i, ch := range v {
		switch {
		case strings.ContainsRune(`,+"\<>;=`, ch),
			i == 0 && (ch == ' ' || ch == '#'),
			i == len(v)-1 && ch == ' ':
			b.WriteByte('\\')
		}
		b.WriteRune(ch)
	}
	return b.String()
}
