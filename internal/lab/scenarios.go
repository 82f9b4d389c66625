package lab

import (
	"fmt"
	"slices"
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
	// Services lists the client ports served (443, 25, …); empty means all.
	Services []int
}

// CertSpec describes a lab certificate.
type CertSpec struct {
	CN        string
	Names     []string
	NotBefore time.Time
	NotAfter  time.Time
	// ExchangeDefault makes Exchange's self-signed certificate for the
	// server named CN (Names[1] is its FQDN), valid Years years.
	ExchangeDefault bool
	Years           int
}

// Scenarios lists the scenario names, "all" first.
func Scenarios() []string {
	return []string{"all", "kb940726", "kb2710606", "kb953354", "renewal", "healthy"}
}

// Load returns the named scenario.
func Load(name string) (*Scenario, error) {
	build, ok := map[string]func() *Scenario{
		"all": scenarioAll, "kb940726": scenarioKB940726, "kb2710606": scenarioKB2710606,
		"kb953354": scenarioKB953354, "renewal": scenarioRenewal, "healthy": scenarioHealthy,
	}[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown scenario %q (want %s)", name, strings.Join(Scenarios(), ", "))
	}
	return build(), nil
}

// Exchange versions as serialNumber holds them.
const (
	v2007SP1 = "Version 8.1 (Build 30240.6)"
	v2007SP3 = "Version 8.3 (Build 30083.6)"
	v2010SP3 = "Version 14.3 (Build 30123.4)"
	v2016CU  = "Version 15.1 (Build 32507.006)"
	v2019CU  = "Version 15.2 (Build 31118.007)"
)

// vdir kinds: object class, name and path.
var (
	ews  = VDir{Class: "msExchWebServicesVirtualDirectory", CN: "EWS (Default Web Site)", Internal: "/EWS/Exchange.asmx"}
	oab  = VDir{Class: "msExchOABVirtualDirectory", CN: "OAB (Default Web Site)", Internal: "/OAB"}
	owa  = VDir{Class: "msExchOWAVirtualDirectory", CN: "owa (Default Web Site)", Internal: "/owa"}
	ecp  = VDir{Class: "msExchECPVirtualDirectory", CN: "ecp (Default Web Site)", Internal: "/ecp"}
	eas  = VDir{Class: "msExchMobileVirtualDirectory", CN: "Microsoft-Server-ActiveSync (Default Web Site)", Internal: "/Microsoft-Server-ActiveSync"}
	mapi = VDir{Class: "msExchMapiVirtualDirectory", CN: "mapi (Default Web Site)", Internal: "/mapi"}
	um   = VDir{Class: "msExchUMVirtualDirectory", CN: "UnifiedMessaging (Default Web Site)", Internal: "/UnifiedMessaging/Service.asmx"}
	rpc  = VDir{Class: "msExchRpcHttpVirtualDirectory", CN: "Rpc (Default Web Site)", Internal: "/rpc"}
)

// on places a vdir kind at internal and external base URLs ("" for none).
func on(kind VDir, internal, external string) VDir {
	path := kind.Internal
	kind.Internal, kind.External = "", ""
	if internal != "" {
		kind.Internal = internal + path
	}
	if external != "" {
		kind.External = external + path
	}
	return kind
}

func contoso() *Org {
	return &Org{Name: "Contoso", Domain: "contoso.local", AcceptedDomains: []string{"contoso.com"}}
}

// mailCert is the certificate named in KB 940726: mail.contoso.com and
// autodiscover.contoso.com, from the enterprise CA.
func mailCert(notBefore, notAfter time.Time) CertSpec {
	return CertSpec{CN: "mail.contoso.com", Names: []string{"mail.contoso.com", "autodiscover.contoso.com"}, NotBefore: notBefore, NotAfter: notAfter}
}

// ex01 and ex07 are the servers of KB 940726: URLs on internal names.
func ex01(cert string) *ExchangeServer {
	in, ext := "https://ex01.contoso.local", "https://mail.contoso.com"
	return &ExchangeServer{Name: "EX01", IP: "127.0.0.11", Serial: v2010SP3, Roles: 38, Serves: Serves{Cert: cert},
		SCP:   in + "/Autodiscover/Autodiscover.xml",
		VDirs: []VDir{on(ews, in, ext), on(oab, in, ext), on(owa, in, ext)}}
}

func ex07(cert string) *ExchangeServer {
	in := "https://ex07.contoso.local"
	return &ExchangeServer{Name: "EX07", IP: "127.0.0.17", Serial: v2007SP3, Roles: 54, Serves: Serves{Cert: cert},
		SCP:   "https://EX07/Autodiscover/Autodiscover.xml", // the NetBIOS name KB 940726 describes
		VDirs: []VDir{on(ews, in, ""), on(oab, "http://ex07.contoso.local", ""), on(um, in, "")}}
}

// ex03 is the Exchange 2007 hub of KB 953354, still on its expired default
// certificate for SMTP, POP3 and IMAP4; edge01 is subscribed to its site.
func ex03() []*ExchangeServer {
	host := "ex03.contoso.local"
	return []*ExchangeServer{
		{Name: "EX03", IP: "127.0.0.13", Serial: v2007SP1, Roles: 36, Serves: Serves{Cert: "ex03-default"},
			VDirs:   []VDir{on(owa, "https://"+host, "")},
			POP:     &PopImap{CertName: host},
			IMAP:    &PopImap{CertName: host},
			Receive: []Receive{{Name: "Default EX03", FQDN: host, Bindings: []string{"0.0.0.0:25"}}}},
		{Name: "EDGE01", IP: "127.0.0.41", Serial: v2007SP1, Roles: 64, NoDNS: true},
	}
}

func ex03Certs() map[string]CertSpec {
	return map[string]CertSpec{"ex03-default": {CN: "EX03", Names: []string{"EX03", "ex03.contoso.local"},
		NotBefore: Clock.AddDate(-1, -1, -3), ExchangeDefault: true, Years: 1}}
}

// modern is a 2016/2019 server with every URL on the public namespace.
func modern(name, ip, serial, cert string) *ExchangeServer {
	ns := "https://mail.contoso.com"
	return &ExchangeServer{Name: name, IP: ip, Serial: serial, Roles: 2, Serves: Serves{Cert: cert},
		SCP:     "https://autodiscover.contoso.com/Autodiscover/Autodiscover.xml",
		VDirs:   []VDir{on(ews, ns, ns), on(oab, ns, ns), on(owa, ns, ns), on(ecp, ns, ns), on(eas, ns, ns), on(mapi, ns, ns), on(rpc, ns, ns)},
		POP:     &PopImap{CertName: "mail.contoso.com", Internal: []string{"mail.contoso.com:995:SSL"}, External: []string{"mail.contoso.com:995:SSL"}},
		IMAP:    &PopImap{CertName: "mail.contoso.com", Internal: []string{"mail.contoso.com:993:SSL", "mail.contoso.com:143:TLS"}},
		Receive: []Receive{{Name: "Default Frontend " + name, FQDN: "mail.contoso.com", Bindings: []string{"0.0.0.0:25"}}}}
}

func publicDNS(mailIPs ...string) []string {
	var rr []string
	for _, ip := range mailIPs {
		rr = append(rr, "mail.contoso.com. 300 IN A "+ip)
	}
	return append(rr, "autodiscover.contoso.com. 300 IN CNAME mail.contoso.com.")
}

func scenarioKB940726() *Scenario {
	o := contoso()
	o.Servers = []*ExchangeServer{ex01("mail"), ex07("mail")}
	// The SRV record keeps the scenario to KB 940726's problem; mail.contoso.com
	// itself has no internal record (the article's host-record note).
	o.Records = []string{"_autodiscover._tcp.contoso.com. 300 IN SRV 0 0 443 mail.contoso.com."}
	return &Scenario{Name: "kb940726", Org: o,
		Description: "Exchange 2010 and 2007 servers whose SCP, EWS, OAB and UM URLs use internal names while the certificate names mail.contoso.com, which has no internal DNS record",
		Certs:       map[string]CertSpec{"mail": mailCert(Clock.AddDate(0, -2, 0), Clock.AddDate(0, 10, 0))}}
}

func scenarioKB2710606() *Scenario {
	o := contoso()
	o.EXPR = "msstd:ex02.contoso.local"
	ns := "https://mail.contoso.com"
	ex02 := &ExchangeServer{Name: "EX02", IP: "127.0.0.12", Serial: v2010SP3, Roles: 38, Serves: Serves{Cert: "mail"},
		SCP:   "https://autodiscover.contoso.com/Autodiscover/Autodiscover.xml",
		VDirs: []VDir{on(ews, ns, ns), on(oab, ns, ns), on(owa, ns, ns), {Class: rpc.Class, CN: rpc.CN, External: "mail.contoso.com"}}}
	o.Servers = []*ExchangeServer{ex02}
	o.Records = publicDNS("127.0.0.12")
	return &Scenario{Name: "kb2710606", Org: o,
		Description: "Outlook Anywhere whose EXPR CertPrincipalName (msstd:ex02.contoso.local) does not match the certificate's subject (mail.contoso.com)",
		Certs:       map[string]CertSpec{"mail": mailCert(Clock.AddDate(0, -2, 0), Clock.AddDate(0, 10, 0))}}
}

func scenarioKB953354() *Scenario {
	o := contoso()
	o.Servers = ex03()
	o.Records = []string{"_autodiscover._tcp.contoso.com. 300 IN SRV 0 0 443 mail.contoso.com."}
	return &Scenario{Name: "kb953354", Org: o,
		Description: "an Exchange 2007 hub whose default self-signed certificate expired a month ago, seen over SMTP STARTTLS, IMAP and POP3, with an Edge server subscribed",
		Certs:       ex03Certs()}
}

// renewalCerts: the old certificate expires in 20 days; the renewed one
// was issued five days ago.
func renewalCerts() map[string]CertSpec {
	return map[string]CertSpec{
		"mail-old": mailCert(Clock.AddDate(-1, 0, 20), Clock.AddDate(0, 0, 20)),
		"mail-new": mailCert(Clock.AddDate(0, 0, -5), Clock.AddDate(1, 0, -5)),
	}
}

func scenarioRenewal() *Scenario {
	o := contoso()
	o.EXPR = "msstd:mail.contoso.com"
	o.Servers = []*ExchangeServer{modern("EX21", "127.0.0.21", v2016CU, "mail-new"), modern("EX22", "127.0.0.22", v2016CU, "mail-old")}
	o.Records = publicDNS("127.0.0.21", "127.0.0.22")
	return &Scenario{Name: "renewal", Org: o, Expect: "mail-new",
		Description: "a load-balanced namespace (mail.contoso.com on EX21 and EX22) after a certificate renewal that reached only EX21; checked with --expect-thumbprint",
		Certs:       renewalCerts()}
}

func scenarioHealthy() *Scenario {
	o := contoso()
	o.EXPR = "msstd:mail.contoso.com"
	o.Servers = []*ExchangeServer{modern("EX31", "127.0.0.31", v2019CU, "mail")}
	o.Records = publicDNS("127.0.0.31")
	return &Scenario{Name: "healthy", Org: o,
		Description: "a well-configured Exchange 2019 organisation: every URL on mail.contoso.com, a certificate that covers it, the right principal name",
		Certs:       map[string]CertSpec{"mail": mailCert(Clock.AddDate(0, -2, 0), Clock.AddDate(0, 10, 0))}}
}

func scenarioAll() *Scenario {
	o := contoso()
	o.EXPR = "msstd:ex01.contoso.local"
	o.Servers = slices.Concat(
		[]*ExchangeServer{ex01("mail-new"), ex07("mail-new")},
		ex03(),
		[]*ExchangeServer{modern("EX21", "127.0.0.21", v2016CU, "mail-new"), modern("EX22", "127.0.0.22", v2016CU, "mail-old"), modern("EX31", "127.0.0.31", v2019CU, "mail-new")},
	)
	o.Records = publicDNS("127.0.0.21", "127.0.0.22")
	certs := renewalCerts()
	for k, v := range ex03Certs() {
		certs[k] = v
	}
	return &Scenario{Name: "all", Org: o,
		Description: "one organisation holding every problem above: KB 940726 internal names, a wrong EXPR principal name (KB 2710606), an expired Exchange 2007 self-signed certificate on SMTP/POP/IMAP (KB 953354), and a renewal that missed one server",
		Certs:       certs}
}
