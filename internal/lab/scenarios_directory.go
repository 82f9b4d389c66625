package lab

// The scenarios of the names and certificates Exchange itself refers to:
// connectors' TlsCertificateName, hybrid, federation and OAuth, what
// clients outside the domain meet (hybrid), and AD sites (sites).

// webSiteIP is the address of the company web site on the bare domain.
const webSiteIP = "127.0.0.6"

// scenarioHybrid is an Exchange 2019 organisation in a hybrid deployment
// after a certificate renewal. The old certificate (with O=Contoso Ltd in
// its subject) was replaced by one from the same CA without it: EX52's
// Default Frontend connector and the send connector "Outbound to
// Office 365" were updated to name the new one, EX51's Default Frontend
// still names the old one, so it offers no STARTTLS (KB 2989382), and
// "Outbound to Office 365" still names the old one too. "Outbound to
// Fabrikam" names the new certificate but announces a name it does not
// cover. The federation certificate expires in 20 days; the OAuth
// certificate is in no server's services, as Exchange keeps it. The
// public DNS view sends contoso.com to the company web site, whose
// certificate names only www.contoso.com; fabrikam.com is a relay domain
// and contoso.mail.onmicrosoft.com the hybrid routing domain: neither gets
// an Autodiscover warning.
func scenarioHybrid() *Scenario {
	o := contoso()
	o.EXPR = "msstd:mail.contoso.com"
	ex51 := namespaced(o, "EX51", "127.0.0.112", "2019", "mail-new")
	ex52 := namespaced(o, "EX52", "127.0.0.113", "2019", "mail-new")
	for _, s := range []*ExchangeServer{ex51, ex52} {
		for i, r := range s.Receive {
			if r.Name == "Default Frontend "+s.Name {
				s.Receive[i].TLSCert = map[string]string{"EX51": "mail-old", "EX52": "mail-new"}[s.Name]
			}
		}
	}
	o.SendConnectors = []SendConnector{
		{Name: "Outbound to Office 365", FQDN: "mail.contoso.com", TLSCert: "mail-old", TLSDomain: "mail.protection.outlook.com",
			SmartHosts: []string{"contoso-com.mail.protection.outlook.com"}, Source: []string{"EX51", "EX52"}},
		{Name: "Outbound to Fabrikam", FQDN: "smtp.contoso.com", TLSCert: "mail-new", TLSDomain: "mail.fabrikam.com",
			SmartHosts: []string{"mail.fabrikam.com"}, Source: []string{"EX52"}},
	}
	o.RelayDomains = []string{"fabrikam.com"}
	o.HybridDomain = "contoso.mail.onmicrosoft.com"
	o.Federation = &Federation{Name: "Microsoft Federation Gateway", Current: "federation"}
	o.AuthCert = "auth"
	o.WebSites = []WebSite{{Host: "contoso.com", IP: webSiteIP, Cert: "www"}}
	o.Records = publicDNS("127.0.0.112")
	o.PublicRecords = append(publicDNS("127.0.0.112"), "contoso.com. 300 IN A "+webSiteIP, "www.contoso.com. 300 IN A "+webSiteIP)
	old := mailCert(Clock.AddDate(-1, 0, 10), Clock.AddDate(0, 0, 10))
	old.Org = []string{"Contoso Ltd"}
	return &Scenario{Name: "hybrid", Org: o,
		Description: "a hybrid deployment after a certificate renewal: connectors whose TlsCertificateName names the old certificate (KB 2989382), a send connector announcing a name its certificate does not cover, a federation certificate about to expire, the OAuth certificate, and a company web site on the bare domain whose certificate does not cover it",
		Certs: map[string]CertSpec{
			"mail-old":   old,
			"mail-new":   mailCert(Clock.AddDate(0, 0, -5), Clock.AddDate(1, 0, -5)),
			"www":        caseCert("www.contoso.com"),
			"federation": {CN: "Federation", Names: []string{"Federation"}, SelfSigned: true, NotBefore: Clock.AddDate(-5, 0, 20), NotAfter: Clock.AddDate(0, 0, 20)},
			"auth":       {CN: "Microsoft Exchange Server Auth Certificate", SelfSigned: true, NotBefore: Clock.AddDate(-2, 0, 0), NotAfter: Clock.AddDate(3, 0, 0)},
		}}
}

// scenarioSites is an organisation in two AD sites. In the main site,
// EX61's SCP is scoped to it as setup does; EX62's is scoped to Old-HQ, the
// site's name before it was renamed. EX63, in Branch-Office, has its SCP
// still on its own name (https://ex63.contoso.local/…), which its
// certificate does not cover, and scoped to the main site: the clients of
// the main site may meet it, and those of Branch-Office cross the WAN.
func scenarioSites() *Scenario {
	o := contoso()
	o.EXPR = "msstd:mail.contoso.com"
	fresh(o, "EX61", "127.0.0.116", "2019")
	fresh(o, "EX62", "127.0.0.117", "2016").SCPSites = []string{"Old-HQ"}
	ca := freshCert(o)
	ex63 := o.Add("EX63", "127.0.0.118", "2019").UseNamespace("mail.contoso.com", "autodiscover.contoso.com").FrontEndSMTP("mail.contoso.com")
	ex63.Site, ex63.SCPSites = "Branch-Office", []string{defaultSite}
	ex63.SCP = "https://" + ex63.FQDN(o) + "/Autodiscover/Autodiscover.xml"
	ex63.Serves = Serves{IIS: "ca", SMTP: "ca"}
	o.Records = publicDNS("127.0.0.116", "127.0.0.117")
	certs := map[string]CertSpec{"ca": ca}
	return &Scenario{Name: "sites", Org: o,
		Description: "two AD sites with site-scoped Autodiscover SCPs: one scoped to a site that no longer exists, and the branch office's scoped to the main site while its URL uses a name its certificate does not cover",
		Certs:       certs}
}
