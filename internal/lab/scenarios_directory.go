package lab

// The scenarios of the names and certificates Exchange itself refers to:
// connectors' TlsCertificateName, hybrid, federation and OAuth, what
// clients outside the domain meet (hybrid), and AD sites (sites).

// webSiteIP is the address of the company web site on the bare domain.
const webSiteIP = "127.0.0.6"

// hybridServers are EX56 and EX57, Exchange 2019 servers in a hybrid
// deployment after a certificate renewal, and what the directory holds for
// hybrid. The old certificate (with O=Contoso Ltd in its subject) was
// replaced by one from the same CA without it: EX57's Default Frontend
// connector was updated to name the new one, EX56's still names the old
// one, so it offers no STARTTLS (KB 2989382), and so does the send
// connector "Outbound to Office 365". "Outbound to Fabrikam" names the new
// certificate but announces a name it does not cover. The federation
// certificate expires in 20 days; the OAuth certificate is in no server's
// services, as Exchange keeps it. The public DNS view sends contoso.com to
// the company web site, whose certificate names only www.contoso.com;
// fabrikam.com is a relay domain and contoso.mail.onmicrosoft.com the hybrid
// routing domain: neither gets an Autodiscover warning. EX56's directory
// object still publishes the old certificate as its internal transport
// certificate (it was once enabled for SMTP as the default), while the
// server, the old one removed, presents its own self-signed certificate
// where only Exchange servers connect. It returns the
// certificates the story needs and the public DNS records of its web site.
func hybridServers(o *Org) (map[string]CertSpec, []string) {
	ex56 := namespaced(o, "EX56", "127.0.0.112", "2019", "mail-new")
	ex57 := namespaced(o, "EX57", "127.0.0.113", "2019", "mail-new")
	ex56.InternalCert = "hybrid-old"
	for _, s := range []*ExchangeServer{ex56, ex57} {
		for i, r := range s.Receive {
			if r.Name == "Default Frontend "+s.Name {
				s.Receive[i].TLSCert = map[string]string{"EX56": "hybrid-old", "EX57": "mail-new"}[s.Name]
			}
		}
	}
	o.SendConnectors = []SendConnector{
		{Name: "Outbound to Office 365", FQDN: "mail.contoso.com", TLSCert: "hybrid-old", TLSDomain: "mail.protection.outlook.com",
			SmartHosts: []string{"contoso-com.mail.protection.outlook.com"}, Source: []string{"EX56", "EX57"}},
		{Name: "Outbound to Fabrikam", FQDN: "smtp.contoso.com", TLSCert: "mail-new", TLSDomain: "mail.fabrikam.com",
			SmartHosts: []string{"mail.fabrikam.com"}, Source: []string{"EX57"}},
	}
	o.RelayDomains = []string{"fabrikam.com"}
	o.HybridDomain = "contoso.mail.onmicrosoft.com"
	o.Federation = &Federation{Name: "Microsoft Federation Gateway", Current: "federation"}
	o.AuthCert = "auth"
	o.WebSites = []WebSite{{Host: "contoso.com", IP: webSiteIP, Cert: "www"}}
	old := mailCert(Clock.AddDate(-1, 0, 10), Clock.AddDate(0, 0, 10))
	old.Org = []string{"Contoso Ltd"}
	return map[string]CertSpec{
		"hybrid-old": old,
		"mail-new":   mailCert(Clock.AddDate(0, 0, -5), Clock.AddDate(1, 0, -5)),
		"www":        caseCert("www.contoso.com"),
		"federation": {CN: "Federation", Names: []string{"Federation"}, SelfSigned: true, NotBefore: Clock.AddDate(-5, 0, 20), NotAfter: Clock.AddDate(0, 0, 20)},
		"auth":       {CN: "Microsoft Exchange Server Auth Certificate", SelfSigned: true, NotBefore: Clock.AddDate(-2, 0, 0), NotAfter: Clock.AddDate(3, 0, 0)},
	}, []string{"contoso.com. 300 IN A " + webSiteIP, "www.contoso.com. 300 IN A " + webSiteIP}
}

func scenarioHybrid() *Scenario {
	o := contoso()
	o.EXPR = "msstd:mail.contoso.com"
	certs, web := hybridServers(o)
	o.Records = publicDNS("127.0.0.112")
	o.PublicRecords = append(publicDNS("127.0.0.112"), web...)
	return &Scenario{Name: "hybrid", Org: o,
		Description: "a hybrid deployment after a certificate renewal: connectors whose TlsCertificateName names the old certificate (KB 2989382), a send connector announcing a name its certificate does not cover, a server whose directory object still publishes the old certificate as its internal transport certificate, a federation certificate about to expire, the OAuth certificate, and a company web site on the bare domain whose certificate does not cover it",
		Certs:       certs}
}

// siteServers are an organisation's servers in two AD sites, serving cert
// ("" for a certificate of their own that covers their names). In the main
// site, EX61's SCP is scoped to it as setup does; EX62's is scoped to
// Old-HQ, the site's name before it was renamed. EX63, in Branch-Office, has
// its SCP still on its own name (https://ex63.contoso.local/…), which the
// certificate does not cover, and scoped to the main site: the clients of
// the main site may meet it, and those of Branch-Office cross the WAN. It
// returns the certificates the story needs.
func siteServers(o *Org, cert string) map[string]CertSpec {
	certs := map[string]CertSpec{}
	ex61 := o.Add("EX61", "127.0.0.116", "2019").UseNamespace("mail.contoso.com", "autodiscover.contoso.com").FrontEndSMTP("mail.contoso.com")
	ex62 := o.Add("EX62", "127.0.0.117", "2016").UseNamespace("mail.contoso.com", "autodiscover.contoso.com").FrontEndSMTP("mail.contoso.com")
	ex62.SCPSites = []string{"Old-HQ"}
	if cert == "" {
		cert = "sites-ca"
		certs[cert] = freshCert(o)
	}
	ex63 := o.Add("EX63", "127.0.0.118", "2019").UseNamespace("mail.contoso.com", "autodiscover.contoso.com").FrontEndSMTP("mail.contoso.com")
	ex63.Site, ex63.SCPSites = "Branch-Office", []string{defaultSite}
	ex63.SCP = "https://" + ex63.FQDN(o) + "/Autodiscover/Autodiscover.xml"
	for _, s := range []*ExchangeServer{ex61, ex62, ex63} {
		s.Serves = Serves{IIS: cert, SMTP: cert}
	}
	return certs
}

func scenarioSites() *Scenario {
	o := contoso()
	o.EXPR = "msstd:mail.contoso.com"
	certs := siteServers(o, "")
	o.Records = publicDNS("127.0.0.116", "127.0.0.117")
	return &Scenario{Name: "sites", Org: o,
		Description: "two AD sites with site-scoped Autodiscover SCPs: one scoped to a site that no longer exists, and the branch office's scoped to the main site while its URL uses a name its certificate does not cover",
		Certs:       certs}
}
