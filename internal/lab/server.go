package lab

import (
	"fmt"
	"strings"
	"time"
)

// ExchangeServer is one Exchange server of the lab. Org.Add builds it as
// setup leaves it for its version (the shapes of real-exchange.md §1); a
// scenario then changes what its story needs.
type ExchangeServer struct {
	Name string // "EX01"
	// IP is the loopback address the server answers on (127.0.0.x).
	IP string
	// Version is the product: 2007, 2010, 2013, 2016, 2019 or SE.
	Version string
	// Serial is the serialNumber attribute ("Version 14.3 (Build 30123.4)").
	Serial string
	Roles  int
	// Site is the AD site the server is in.
	Site string
	// Installed is when setup ran and made the server's self-signed
	// certificate (valid 1 year before Exchange 2007 SP2, 5 years after).
	Installed time.Time
	// SCP is the Autodiscover SCP URL; empty for none. SCPSites are its
	// Site= keywords (setup writes the server's own site).
	SCP      string
	SCPSites []string
	VDirs    []VDir
	// POP and IMAP are the settings objects every server with the Client
	// Access role has; nil for none.
	POP, IMAP *PopImap
	// Receive are the SMTP receive connectors.
	Receive []Receive
	// Serves says which certificates the server's listeners present.
	Serves Serves
	// InternalCert is the certificate (by id) published in
	// msExchServerInternalTLSCert; "" means the server's own self-signed
	// one, which setup makes its internal transport certificate.
	InternalCert string
	// NoDNS leaves the server's own name out of the DNS zone.
	NoDNS bool
	// Dead servers accept connections and never answer.
	Dead bool
}

// VDir is one virtual directory object.
type VDir struct {
	Class    string // "msExchWebServicesVirtualDirectory"
	CN       string // "EWS (Default Web Site)"
	Internal string // msExchInternalHostName
	External string // msExchExternalHostName
}

// PopImap is a POP3 or IMAP4 settings object.
type PopImap struct {
	CertName string   // msExchPopImapX509CertificateName
	Internal []string // "host:port:SSL|TLS" (Exchange 2010 and later)
	External []string
	// Enabled means the service runs and the lab listens on its ports.
	// Setup leaves POP3 and IMAP4 off.
	Enabled bool
}

// Receive is one SMTP receive connector.
type Receive struct {
	Name     string // "Default EX01"
	FQDN     string
	Bindings []string // "0.0.0.0:25"
	// Role is msExchSmtpReceiveRole: 32 (HubTransport) or 16384 (FrontendTransport).
	Role int
	// Internal connectors carry mail between Exchange servers and present
	// the server's self-signed internal transport certificate.
	Internal bool
	// TLSCert is the certificate (by id) whose issuer and subject the
	// connector's TlsCertificateName names; "" for none.
	TLSCert string
}

// Serves names the certificates (by id in the scenario's table) a server
// presents. An empty id means the server's own self-signed certificate,
// which is what setup enables for every service.
type Serves struct {
	// IIS is the certificate bound to the web site (443); BySNI overrides
	// it for some host names.
	IIS   string
	BySNI map[string]string
	// SMTP is the certificate of the connectors that are not Internal.
	SMTP string
	// POPIMAP is the certificate of POP3 and IMAP4.
	POPIMAP string
	// RequireClientCert: the web site demands client certificates.
	RequireClientCert bool
}

// Role bits of msExchCurrentServerRoles (exchange-ad.md §1.3).
const (
	roleCafe     = 1
	roleMailbox  = 2
	roleCAS      = 4
	roleUM       = 16
	roleHub      = 32
	roleEdge     = 64
	roleFrontend = 16384
)

// versions are the serialNumber and the all-in-one roles of each product:
// CAS+HUB+MBX on 2007 and 2010; from 2013 the Mailbox server also holds
// the Client Access front end (Cafe, FrontendTransport) and, until 2019
// removed it, UM.
var versions = map[string]struct {
	serial string
	roles  int
}{
	"2007": {"Version 8.3 (Build 30083.6)", roleCAS | roleHub | roleMailbox},
	"2010": {"Version 14.3 (Build 30123.4)", roleCAS | roleHub | roleMailbox},
	"2013": {"Version 15.0 (Build 31497.2)", roleCafe | roleMailbox | roleCAS | roleUM | roleHub | roleFrontend},
	"2016": {"Version 15.1 (Build 32507.006)", roleCafe | roleMailbox | roleCAS | roleUM | roleHub | roleFrontend},
	"2019": {"Version 15.2 (Build 31118.007)", roleCafe | roleMailbox | roleCAS | roleHub | roleFrontend},
	"SE":   {"Version 15.2 (Build 32562.17)", roleCafe | roleMailbox | roleCAS | roleHub | roleFrontend},
}

// defaultSite is the site every forest starts with.
const defaultSite = "Default-First-Site-Name"

// Add puts a new server into the organisation as setup leaves it: the
// virtual directories of its version on its own FQDN (OAB and PowerShell
// on http://), the Autodiscover SCP, the receive connectors of its version,
// POP3 and IMAP4 settings with the services off, and its self-signed
// certificate on every service.
func (o *Org) Add(name, ip, version string) *ExchangeServer {
	v, ok := versions[version]
	if !ok {
		panic(fmt.Sprintf("lab: unknown Exchange version %q", version))
	}
	s := &ExchangeServer{Name: name, IP: ip, Version: version, Serial: v.serial, Roles: v.roles,
		Site: defaultSite, Installed: Clock.AddDate(-1, 0, 0)}
	fqdn := s.FQDN(o)
	in := "https://" + fqdn
	s.SCP = in + "/Autodiscover/Autodiscover.xml"
	s.VDirs = []VDir{on(owa, in, ""), on(ews, in, ""), on(oab, "http://"+fqdn, ""), on(eas, in, ""), autodiscoverVDir}
	modern := version != "2007" && version != "2010"
	if version != "2007" {
		s.VDirs = append(s.VDirs, on(ecp, in, ""), on(powershell, "http://"+fqdn, ""))
	}
	if modern {
		// Outlook Anywhere is on from 2013; InternalClientsRequireSsl
		// defaults to $false, stored as the http:// scheme (Set-OutlookAnywhere).
		s.VDirs = append(s.VDirs, on(mapi, in, ""), on(rpc, "http://"+fqdn, ""))
		for _, k := range []VDir{owa, ecp, ews, oab, eas, mapi, powershell, rpc} {
			be := on(k, "https://"+fqdn+":444", "")
			be.CN = strings.Replace(be.CN, "(Default Web Site)", "(Exchange Back End)", 1)
			s.VDirs = append(s.VDirs, be)
		}
	}
	s.POP = &PopImap{CertName: fqdn}
	s.IMAP = &PopImap{CertName: fqdn}
	if version != "2007" {
		s.POP.Internal = []string{fqdn + ":995:SSL", fqdn + ":110:TLS"}
		s.IMAP.Internal = []string{fqdn + ":993:SSL", fqdn + ":143:TLS"}
	}
	s.Receive = defaultConnectors(name, fqdn, modern)
	o.Servers = append(o.Servers, s)
	return s
}

// AddEdge puts an Edge Transport server into the organisation, as an Edge
// subscription does: a server object, and nothing clients use.
func (o *Org) AddEdge(name, ip, version string) *ExchangeServer {
	s := &ExchangeServer{Name: name, IP: ip, Version: version, Serial: versions[version].serial, Roles: roleEdge,
		Site: defaultSite, Installed: Clock.AddDate(-1, 0, 0), NoDNS: true}
	o.Servers = append(o.Servers, s)
	return s
}

// defaultConnectors are the receive connectors setup creates: two on the
// Hub Transport of 2007 and 2010, five from 2013 (CSS-Exchange test data).
func defaultConnectors(name, fqdn string, modern bool) []Receive {
	bind := func(port string) []string { return []string{"0.0.0.0:" + port, "[::]:" + port} }
	if !modern {
		return []Receive{
			{Name: "Default " + name, FQDN: fqdn, Bindings: bind("25"), Role: roleHub},
			{Name: "Client " + name, FQDN: fqdn, Bindings: bind("587"), Role: roleHub},
		}
	}
	return []Receive{
		{Name: "Default " + name, FQDN: fqdn, Bindings: bind("2525"), Role: roleHub, Internal: true},
		{Name: "Client Proxy " + name, FQDN: fqdn, Bindings: bind("465"), Role: roleHub, Internal: true},
		{Name: "Default Frontend " + name, FQDN: fqdn, Bindings: bind("25"), Role: roleFrontend},
		{Name: "Outbound Proxy Frontend " + name, FQDN: fqdn, Bindings: bind("717"), Role: roleFrontend, Internal: true},
		{Name: "Client Frontend " + name, FQDN: fqdn, Bindings: bind("587"), Role: roleFrontend},
	}
}

// UseNamespace is the configuration every deployment guide does after
// setup: every client URL, inside and out, on one name (host), the SCP on
// autodiscover (an Autodiscover name), Outlook Anywhere on host over TLS.
// The PowerShell and back-end virtual directories stay as setup made them.
func (s *ExchangeServer) UseNamespace(host, autodiscover string) *ExchangeServer {
	ns := "https://" + host
	s.SCP = "https://" + autodiscover + "/Autodiscover/Autodiscover.xml"
	for i, v := range s.VDirs {
		if v.Class == powershell.Class || v.Class == autodiscoverVDir.Class || strings.Contains(v.CN, "(Exchange Back End)") {
			continue
		}
		internal := ns
		if v.Class == rpc.Class && s.Version == "2010" {
			internal = "" // InternalHostname exists from Exchange 2013
		}
		s.VDirs[i] = on(vdirKind(v.Class), internal, ns)
		s.VDirs[i].CN = v.CN
	}
	if s.Version == "2010" && !s.hasVDir(rpc.Class) {
		// Exchange 2010 creates the Rpc directory when Outlook Anywhere is
		// enabled; it has no internal host name.
		s.VDirs = append(s.VDirs, on(rpc, "", ns))
	}
	return s
}

// EnableMail starts POP3 and IMAP4 with their connection settings on host.
func (s *ExchangeServer) EnableMail(host string) *ExchangeServer {
	s.POP = &PopImap{CertName: host, Enabled: true, Internal: []string{host + ":995:SSL", host + ":110:TLS"}, External: []string{host + ":995:SSL"}}
	s.IMAP = &PopImap{CertName: host, Enabled: true, Internal: []string{host + ":993:SSL", host + ":143:TLS"}}
	return s
}

// External sets the ExternalUrl of the server's virtual directories of
// these kinds to base and their path.
func (s *ExchangeServer) External(base string, kinds ...VDir) *ExchangeServer {
	for i, v := range s.VDirs {
		for _, k := range kinds {
			if v.CN == k.CN {
				s.VDirs[i].External = on(k, "", base).External
			}
		}
	}
	return s
}

// WithUM adds the Unified Messaging role and, on Exchange 2007, its web
// service directory (the UM InternalUrl of KB 940726).
func (s *ExchangeServer) WithUM(o *Org) *ExchangeServer {
	s.Roles |= roleUM
	if s.Version == "2007" {
		s.VDirs = append(s.VDirs, on(um, "https://"+s.FQDN(o), ""))
	}
	return s
}

// FrontEndSMTP makes the connectors that face clients and other mail
// servers announce host, as Microsoft documents for the authenticated SMTP
// of POP3 and IMAP4 clients (Set-ReceiveConnector "Client Frontend <Server>"
// -Fqdn mail.contoso.com) and as mail from the internet needs.
func (s *ExchangeServer) FrontEndSMTP(host string) *ExchangeServer {
	for i, r := range s.Receive {
		if !r.Internal && (r.Role == roleFrontend || s.Version == "2007" || s.Version == "2010") {
			s.Receive[i].FQDN = host
		}
	}
	return s
}

func (s *ExchangeServer) hasVDir(class string) bool {
	for _, v := range s.VDirs {
		if v.Class == class {
			return true
		}
	}
	return false
}

// FQDN is the server's DNS name in the organisation's AD domain.
func (s *ExchangeServer) FQDN(o *Org) string { return strings.ToLower(s.Name) + "." + o.Domain }

// selfSigned is the id of the server's own certificate in a lab's table.
func (s *ExchangeServer) selfSigned() string { return "self:" + s.Name }

// selfSignedSpec is the certificate setup made: CN = the NetBIOS name, SANs
// the NetBIOS name and the FQDN, valid 1 year on Exchange 2007 before SP2
// and 5 years after (the Exchange 2007 article on self-signed certificates).
func (s *ExchangeServer) selfSignedSpec(o *Org) CertSpec {
	years := 5
	if s.Version == "2007" && (strings.HasPrefix(s.Serial, "Version 8.0") || strings.HasPrefix(s.Serial, "Version 8.1")) {
		years = 1
	}
	return CertSpec{CN: s.Name, Names: []string{s.Name, s.FQDN(o)}, NotBefore: s.Installed, ExchangeDefault: true, Years: years}
}
