package lab

// clientCase is one name of the clients scenario and the certificate (or
// DNS record) behind it.
type clientCase struct {
	host string
	cert CertSpec
	// dns replaces the host's A record (a dangling alias, 0.0.0.0); with
	// servfail, the DNS server fails for the name.
	dns      string
	servfail bool
}

// caseCert is a certificate of the lab's issuing CA for host, valid a year.
func caseCert(host string) CertSpec {
	return CertSpec{CN: host, Names: []string{host}, NotBefore: Clock.AddDate(0, -1, 0), NotAfter: Clock.AddDate(0, 11, 0)}
}

// clientCases are what the clients scenario shows, one name each.
func clientCases(o *Org) []clientCase {
	ldapCDP, _ := LDAPCDP(o)
	with := func(host string, change func(*CertSpec)) clientCase {
		c := caseCert(host)
		change(&c)
		return clientCase{host: host, cert: c}
	}
	return []clientCase{
		with("revoked.contoso.com", func(c *CertSpec) { c.Revoked = true }),
		with("revoked-ca.contoso.com", func(c *CertSpec) { c.Issuer = "issuing2" }),
		with("stale-crl.contoso.com", func(c *CertSpec) { c.CRL = []string{staleCRL} }),
		with("crl-unreachable.contoso.com", func(c *CertSpec) { c.CRL = []string{DeadCRL} }),
		with("ocsp-good.contoso.com", func(c *CertSpec) { c.CRL, c.OCSP = []string{}, []string{OCSPURL} }),
		with("ocsp-revoked.contoso.com", func(c *CertSpec) { c.CRL, c.OCSP, c.Revoked = []string{}, []string{OCSPURL}, true }),
		with("no-intermediate.contoso.com", func(c *CertSpec) { c.LeafOnly = true }),
		with("five-years.contoso.com", func(c *CertSpec) { c.NotAfter = c.NotBefore.AddDate(5, 0, 0) }),
		with("no-eku.contoso.com", func(c *CertSpec) { c.NoEKU = true }),
		with("ldap-crl.contoso.com", func(c *CertSpec) { c.CRL = []string{ldapCDP} }),
		{host: "alias.contoso.com", dns: "alias.contoso.com. 300 IN CNAME gone.contoso.com."},
		{host: "zero.contoso.com", dns: "zero.contoso.com. 300 IN A 0.0.0.0"},
		{host: "broken.contoso.com", servfail: true},
	}
}

// scenarioClients is an organisation whose names show what clients check
// beyond the name and the date: revocation (CRL and OCSP, HTTP and LDAP
// distribution points), a missing intermediate, Apple's rules, a
// certificate bound with the wrong key, a site that demands client
// certificates, and DNS that lies. EX41 serves the namespace with a
// certificate whose only distribution point is in the directory, the
// classic internal-CA case; EX42 and EX43 publish each case as the
// ExternalUrl of one of their virtual directories; EX44's OWA ExternalUrl
// meets a certificate bound with the wrong key, and EX45's site demands
// client certificates.
func scenarioClients() *Scenario {
	o := contoso()
	o.EXPR = "msstd:mail.contoso.com"
	ldapCDP, _ := LDAPCDP(o)
	certs := map[string]CertSpec{}
	ex41 := o.Add("EX41", "127.0.0.101", "2019").UseNamespace("mail.contoso.com", "autodiscover.contoso.com")
	ex41.Serves.IIS = "internal-ca"
	ex42 := o.Add("EX42", "127.0.0.102", "2016").UseNamespace("mail.contoso.com", "autodiscover.contoso.com")
	ex43 := o.Add("EX43", "127.0.0.103", "2016").UseNamespace("mail.contoso.com", "autodiscover.contoso.com")
	ex44 := o.Add("EX44", "127.0.0.104", "2016").UseNamespace("mail.contoso.com", "autodiscover.contoso.com").External("https://wrong-key.contoso.com", owa)
	// EX45 is as setup left it, but for its ECP ExternalUrl.
	ex45 := o.Add("EX45", "127.0.0.105", "2016").External("https://client-cert.contoso.com", ecp)
	for _, s := range []*ExchangeServer{ex42, ex43, ex44} {
		s.Serves = Serves{IIS: "internal-ca", BySNI: map[string]string{}}
	}
	ex44.Serves.BySNI["wrong-key.contoso.com"] = "wrong-key"
	ex45.Serves = Serves{IIS: "client-cert", RequireClientCert: true}
	o.Records = append(publicDNS("127.0.0.101", "127.0.0.102", "127.0.0.103", "127.0.0.104"), "wrong-key.contoso.com. 300 IN A 127.0.0.104", "client-cert.contoso.com. 300 IN A 127.0.0.105")
	kinds := []VDir{owa, ecp, ews, oab, eas, mapi}
	hosts := []*ExchangeServer{ex42, ex43, ex45}
	for i, c := range clientCases(o) {
		srv := hosts[i/len(kinds)]
		srv.External("https://"+c.host, kinds[i%len(kinds)])
		switch {
		case c.servfail:
			o.ServFail = append(o.ServFail, c.host)
		case c.dns != "":
			o.Records = append(o.Records, c.dns)
		default:
			o.Records = append(o.Records, c.host+". 300 IN A "+srv.IP)
			certs[c.host] = c.cert
			if srv.Serves.BySNI == nil {
				srv.Serves.BySNI = map[string]string{}
			}
			srv.Serves.BySNI[c.host] = c.host
		}
	}
	year := func(cn string, names ...string) CertSpec {
		return CertSpec{CN: cn, Names: append([]string{cn}, names...), NotBefore: Clock.AddDate(0, -1, 0), NotAfter: Clock.AddDate(0, 11, 0)}
	}
	internal := year("mail.contoso.com", "autodiscover.contoso.com")
	internal.CRL = []string{ldapCDP}
	certs["internal-ca"] = internal
	// Only EX44's OWA ExternalUrl meets the certificate with the wrong key.
	wrong := year("wrong-key.contoso.com")
	wrong.WrongKey = true
	certs["wrong-key"] = wrong
	certs["client-cert"] = year("client-cert.contoso.com", "ex45.contoso.local")
	return &Scenario{Name: "clients", Org: o, Certs: certs,
		Description: "what clients check beyond the name and the date: revoked certificates and CAs (CRL, OCSP), CRLs that are stale, unreachable or only in the directory, a missing intermediate, Apple's 825-day and key-usage rules, a wrong private key, a site demanding client certificates, and DNS that lies"}
}

// internalCAServer adds EX51, a server on its own namespace
// (webmail.contoso.com) whose certificate comes from an enterprise CA that
// publishes its CRL only in the directory, and whose ActiveSync
// ExternalUrl names sync.contoso.com, which has no DNS record. It returns
// the DNS records to add.
func internalCAServer(o *Org) []string {
	ex51 := o.Add("EX51", "127.0.0.111", "2019").UseNamespace("webmail.contoso.com", "webmail.contoso.com").External("https://sync.contoso.com", eas)
	ex51.Serves.IIS = "internal-ca"
	return []string{"webmail.contoso.com. 300 IN A 127.0.0.111"}
}

// internalCACert is EX51's certificate: its only distribution point is
// the CA's ldap:/// one.
func internalCACert(o *Org) CertSpec {
	ldapCDP, _ := LDAPCDP(o)
	c := caseCert("webmail.contoso.com")
	c.Names = append(c.Names, "sync.contoso.com")
	c.CRL = []string{ldapCDP}
	return c
}
