package lab

import (
	"fmt"
	"maps"
	"strings"
	"time"
)

// Scenario is one lab organisation and what runs against it.
type Scenario struct {
	Name        string
	Description string
	Org         *Org
	// Certs are the certificates servers present, by id.
	Certs map[string]CertSpec
	// Expect, when set, is the certificate id the run expects everywhere
	// (--expect-thumbprint).
	Expect string
	// Healthy scenarios model an organisation with nothing to fix: exdiag
	// must exit 0 on them, with no error or warning.
	Healthy bool
	// Services lists the client ports served (443, 25, …); empty means all.
	Services []int
}

// CertSpec describes a lab certificate.
type CertSpec struct {
	CN string
	// Org is the subject's O=: a certificate renewed from another CA or
	// product often has another subject than the one it replaces.
	Org       []string
	Names     []string
	NotBefore time.Time
	NotAfter  time.Time
	// SelfSigned makes a self-signed certificate with these names (the
	// federation certificate New-ExchangeCertificate makes, Exchange's
	// OAuth certificate), valid from NotBefore to NotAfter.
	SelfSigned bool
	// ExchangeDefault makes Exchange's self-signed certificate for the
	// server named CN (Names[1] is its FQDN), valid Years years from
	// NotBefore. Every server has one (ExchangeServer.selfSignedSpec).
	ExchangeDefault bool
	Years           int
	// Issuer is the CA that issues it: "" for the issuing CA, "issuing2"
	// for the second one, which the root has revoked.
	Issuer string
	// CRL and OCSP are the distribution points and responders it names:
	// nil CRL means the issuing CA's HTTP distribution point.
	CRL, OCSP []string
	// NoAIA leaves out the caIssuers URL; NoEKU the extended key usage.
	NoAIA, NoEKU bool
	// Revoked lists it in the issuing CA's CRL and OCSP answers.
	Revoked bool
	// LeafOnly servers send it without the intermediate; WrongKey servers
	// hold another private key than the certificate's.
	LeafOnly, WrongKey bool
}

// scenarios are the lab's organisations, in the order Scenarios lists them.
var scenarios = []struct {
	name  string
	build func() *Scenario
}{
	{"all", scenarioAll},
	{"kb940726", scenarioKB940726},
	{"kb2710606", scenarioKB2710606},
	{"kb953354", scenarioKB953354},
	{"renewal", scenarioRenewal},
	{"healthy", scenarioHealthy},
	{"fresh2013", func() *Scenario { return scenarioFresh("fresh2013", "2013") }},
	{"fresh2016", func() *Scenario { return scenarioFresh("fresh2016", "2016") }},
	{"fresh2019", func() *Scenario { return scenarioFresh("fresh2019", "2019") }},
	{"freshse", func() *Scenario { return scenarioFresh("freshse", "SE") }},
	{"fresh2010-2019", scenarioMigration},
	{"clients", scenarioClients},
	{"hybrid", scenarioHybrid},
	{"sites", scenarioSites},
}

// Scenarios lists the scenario names, "all" first.
func Scenarios() []string {
	names := make([]string, len(scenarios))
	for i, sc := range scenarios {
		names[i] = sc.name
	}
	return names
}

// Load returns the named scenario.
func Load(name string) (*Scenario, error) {
	for _, sc := range scenarios {
		if strings.EqualFold(sc.name, name) {
			return sc.build(), nil
		}
	}
	return nil, fmt.Errorf("unknown scenario %q (want %s)", name, strings.Join(Scenarios(), ", "))
}

// Exchange 2007 SP1 makes 1-year self-signed certificates (the Exchange 2007
// article on self-signed certificates).
const v2007SP1 = "Version 8.1 (Build 30240.6)"

func contoso() *Org {
	return &Org{Name: "Contoso", Domain: "contoso.local", AcceptedDomains: []string{"contoso.com"}}
}

// mailCert is the certificate named in KB 940726: mail.contoso.com and
// autodiscover.contoso.com, from the enterprise CA.
func mailCert(notBefore, notAfter time.Time) CertSpec {
	return CertSpec{CN: "mail.contoso.com", Names: []string{"mail.contoso.com", "autodiscover.contoso.com"}, NotBefore: notBefore, NotAfter: notAfter}
}

// publicDNS is mail.contoso.com on the given servers (a load-balanced
// namespace) and autodiscover.contoso.com as an alias of it.
func publicDNS(mailIPs ...string) []string {
	var rr []string
	for _, ip := range mailIPs {
		rr = append(rr, "mail.contoso.com. 300 IN A "+ip)
	}
	return append(rr, "autodiscover.contoso.com. 300 IN CNAME mail.contoso.com.")
}

// The SRV record keeps a scenario to its own story: Autodiscover is
// published for contoso.com, while mail.contoso.com itself has no internal
// record (KB 940726's host-record note).
const autodiscoverSRV = "_autodiscover._tcp.contoso.com. 300 IN SRV 0 0 443 mail.contoso.com."

// kb940726Servers are the servers of KB 940726, as setup left their URLs
// (internal names), after the self-signed certificate was replaced on IIS
// by cert: EX01 (Exchange 2010) with ExternalUrls on mail.contoso.com, and
// EX07 (Exchange 2007 with UM) whose SCP names its NetBIOS name.
func kb940726Servers(o *Org, cert string) {
	ex01 := o.Add("EX01", "127.0.0.11", "2010")
	ex01.Serves.IIS = cert
	ex01.External("https://mail.contoso.com", ews, oab, owa)
	ex07 := o.Add("EX07", "127.0.0.17", "2007").WithUM(o)
	ex07.Serves.IIS = cert
	ex07.SCP = "https://EX07/Autodiscover/Autodiscover.xml"
}

func scenarioKB940726() *Scenario {
	o := contoso()
	kb940726Servers(o, "mail")
	o.Records = []string{autodiscoverSRV}
	return &Scenario{Name: "kb940726", Org: o,
		Description: "Exchange 2010 and 2007 servers whose SCP, EWS, OAB and UM URLs use internal names while the certificate names mail.contoso.com, which has no internal DNS record",
		Certs:       map[string]CertSpec{"mail": mailCert(Clock.AddDate(0, -2, 0), Clock.AddDate(0, 10, 0))}}
}

func scenarioKB2710606() *Scenario {
	o := contoso()
	o.EXPR = "msstd:ex02.contoso.local"
	ex02 := o.Add("EX02", "127.0.0.12", "2010").UseNamespace("mail.contoso.com", "autodiscover.contoso.com")
	ex02.Serves.IIS = "mail"
	o.Records = publicDNS("127.0.0.12")
	return &Scenario{Name: "kb2710606", Org: o,
		Description: "Outlook Anywhere whose EXPR CertPrincipalName (msstd:ex02.contoso.local) does not match the certificate's subject (mail.contoso.com)",
		Certs:       map[string]CertSpec{"mail": mailCert(Clock.AddDate(0, -2, 0), Clock.AddDate(0, 10, 0))}}
}

// kb953354Servers are the Exchange 2007 SP1 hub and client access server
// of KB 953354, installed 13 months ago and still on its 1-year
// self-signed certificate, with POP3 and IMAP4 started; and an Edge server
// subscribed to its site.
func kb953354Servers(o *Org) {
	ex03 := o.Add("EX03", "127.0.0.13", "2007")
	ex03.Serial, ex03.Roles, ex03.Installed = v2007SP1, roleCAS|roleHub, Clock.AddDate(-1, -1, -3)
	ex03.POP.Enabled, ex03.IMAP.Enabled = true, true
	// The Edge server was subscribed half a year ago: its certificate,
	// published in the directory too, is still valid.
	edge := o.AddEdge("EDGE01", "127.0.0.41", "2007")
	edge.Serial, edge.Installed = v2007SP1, Clock.AddDate(0, -6, 0)
}

func scenarioKB953354() *Scenario {
	o := contoso()
	kb953354Servers(o)
	o.Records = []string{autodiscoverSRV}
	return &Scenario{Name: "kb953354", Org: o,
		Description: "an Exchange 2007 hub whose default self-signed certificate expired a month ago, seen over SMTP STARTTLS, IMAP and POP3, with an Edge server subscribed"}
}

// renewalCerts: the old certificate expires in 20 days; the renewed one
// was issued five days ago.
func renewalCerts() map[string]CertSpec {
	return map[string]CertSpec{
		"mail-old": mailCert(Clock.AddDate(-1, 0, 20), Clock.AddDate(0, 0, 20)),
		"mail-new": mailCert(Clock.AddDate(0, 0, -5), Clock.AddDate(1, 0, -5)),
	}
}

// namespaced is a server configured as the deployment guides say: every
// client URL on mail.contoso.com, POP3 and IMAP4 on it, the client-facing
// SMTP connectors announcing it, and cert on IIS, SMTP, POP3 and IMAP4.
func namespaced(o *Org, name, ip, version, cert string) *ExchangeServer {
	s := o.Add(name, ip, version).UseNamespace("mail.contoso.com", "autodiscover.contoso.com").EnableMail("mail.contoso.com").FrontEndSMTP("mail.contoso.com")
	s.Serves = Serves{IIS: cert, SMTP: cert, POPIMAP: cert}
	return s
}

func scenarioRenewal() *Scenario {
	o := contoso()
	o.EXPR = "msstd:mail.contoso.com"
	namespaced(o, "EX21", "127.0.0.21", "2016", "mail-new")
	namespaced(o, "EX22", "127.0.0.22", "2016", "mail-old")
	o.Records = publicDNS("127.0.0.21", "127.0.0.22")
	return &Scenario{Name: "renewal", Org: o, Expect: "mail-new",
		Description: "a load-balanced namespace (mail.contoso.com on EX21 and EX22) after a certificate renewal that reached only EX21; checked with --expect-thumbprint",
		Certs:       renewalCerts()}
}

func scenarioHealthy() *Scenario {
	o := contoso()
	o.EXPR = "msstd:mail.contoso.com"
	namespaced(o, "EX31", "127.0.0.31", "2019", "mail")
	o.Records = publicDNS("127.0.0.31")
	return &Scenario{Name: "healthy", Org: o, Healthy: true,
		Description: "a well-configured Exchange 2019 organisation: every URL, POP3 and IMAP4 on mail.contoso.com, a certificate that covers it, the right principal name",
		Certs:       map[string]CertSpec{"mail": mailCert(Clock.AddDate(0, -2, 0), Clock.AddDate(0, 10, 0))}}
}

func scenarioAll() *Scenario {
	o := contoso()
	o.EXPR = "msstd:ex01.contoso.local"
	kb940726Servers(o, "mail-new")
	kb953354Servers(o)
	namespaced(o, "EX21", "127.0.0.21", "2016", "mail-new")
	namespaced(o, "EX22", "127.0.0.22", "2016", "mail-old")
	namespaced(o, "EX31", "127.0.0.31", "2019", "mail-new")
	o.Records = append(publicDNS("127.0.0.21", "127.0.0.22"), internalCAServer(o)...)
	certs := renewalCerts()
	certs["internal-ca"] = internalCACert(o)
	hybrid, web := hybridServers(o)
	o.PublicRecords = append(publicDNS("127.0.0.21", "127.0.0.22"), web...)
	maps.Copy(certs, hybrid)
	maps.Copy(certs, siteServers(o, "mail-new"))
	return &Scenario{Name: "all", Org: o,
		Description: "one organisation holding every problem above: KB 940726 internal names, a wrong EXPR principal name (KB 2710606), an expired Exchange 2007 self-signed certificate on SMTP/POP/IMAP (KB 953354), a renewal that missed one server, an internal CA whose CRL only domain members reach, a URL with no DNS record, connectors naming the certificate before a renewal (KB 2989382), federation and OAuth certificates, the web site clients outside the domain meet, and SCPs scoped to the wrong AD sites",
		Certs:       certs}
}
