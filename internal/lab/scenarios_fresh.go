package lab

import "fmt"

// freshCert is what an enterprise CA issues for a new deployment: the
// namespace, the Autodiscover name and every server's own name (which the
// client-facing SMTP connectors still announce).
func freshCert(o *Org) CertSpec {
	names := []string{"mail.contoso.com", "autodiscover.contoso.com"}
	for _, s := range o.Servers {
		if s.Roles != roleEdge {
			names = append(names, s.FQDN(o))
		}
	}
	return CertSpec{CN: "mail.contoso.com", Names: names, NotBefore: Clock.AddDate(0, -1, 0), NotAfter: Clock.AddDate(1, -1, 0)}
}

// fresh is a new server as setup leaves it, then the two steps every
// deployment guide takes: the client URLs on one namespace, and a CA
// certificate enabled for IIS and the front-end SMTP connectors. Everything
// else (POP3 and IMAP4 off, the PowerShell directory on http://, the
// back-end connectors on the self-signed certificate) stays as setup made it.
func fresh(o *Org, name, ip, version string) *ExchangeServer {
	s := o.Add(name, ip, version).UseNamespace("mail.contoso.com", "autodiscover.contoso.com")
	s.Serves = Serves{IIS: "ca", SMTP: "ca"}
	return s
}

// scenarioFresh is two new servers of one version behind mail.contoso.com.
func scenarioFresh(name, version string) *Scenario {
	o := contoso()
	o.EXPR = "msstd:mail.contoso.com"
	base := map[string]int{"2013": 50, "2016": 60, "2019": 70, "SE": 80}[version]
	var ips []string
	for i := 1; i <= 2; i++ {
		ip := fmt.Sprintf("127.0.0.%d", base+i)
		fresh(o, fmt.Sprintf("EX%s%02d", version, i), ip, version)
		ips = append(ips, ip)
	}
	o.Records = publicDNS(ips...)
	return &Scenario{Name: name, Org: o, Healthy: true,
		Description: fmt.Sprintf("two new Exchange %s servers as setup leaves them, with their URLs on mail.contoso.com and a CA certificate enabled for IIS and front-end SMTP: nothing to fix", version),
		Certs:       map[string]CertSpec{"ca": freshCert(o)}}
}

// scenarioMigration is an organisation moving from Exchange 2010 to 2019:
// one server of 2010, 2016 and 2019 each, all new and configured the same
// way, the 2019 server in a second AD site with its SCP scoped to it.
func scenarioMigration() *Scenario {
	o := contoso()
	o.EXPR = "msstd:mail.contoso.com"
	fresh(o, "EX2010", "127.0.0.91", "2010")
	fresh(o, "EX2016", "127.0.0.92", "2016")
	fresh(o, "EX2019", "127.0.0.93", "2019").Site = "Branch-Office"
	o.Records = publicDNS("127.0.0.91", "127.0.0.92", "127.0.0.93")
	return &Scenario{Name: "fresh2010-2019", Org: o, Healthy: true,
		Description: "a migration in progress: new Exchange 2010, 2016 and 2019 servers in two AD sites, all on mail.contoso.com with one CA certificate: nothing to fix",
		Certs:       map[string]CertSpec{"ca": freshCert(o)}}
}
