package ad

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
)

// mailSchemes gives, per protocol, the URL scheme and default port for
// implicit TLS ("SSL" in Exchange) and for STARTTLS ("TLS") or plain text.
var mailSchemes = map[inventory.Service]struct {
	ssl, starttls         string
	sslPort, starttlsPort string
}{
	inventory.ServicePOP3:  {"pop3s", "pop3", "995", "110"},
	inventory.ServiceIMAP4: {"imaps", "imap", "993", "143"},
}

// popImap reads Get-PopSettings / Get-ImapSettings. Exchange 2010+ publishes
// connection settings ("host:port:SSL|TLS"); 2007 has only the certificate
// name and the listeners, so the endpoint is that name (or the server FQDN)
// on each listening port.
func (c *converter) popImap(e Entry, p dnPath, service inventory.Service) {
	server := c.serverName(p.server())
	src := inventory.Source{Service: service, Server: server, Object: p.at(1).val, DN: e.DN}
	s := inventory.PopImapSettings{
		Server:                     server,
		Protocol:                   service,
		DN:                         e.DN,
		X509CertificateName:        c.first(e, "msExchPopImapX509CertificateName"),
		ExternalConnectionSettings: c.values(e, "msExchPOPIMAPExternalConnectionSettings", src),
		InternalConnectionSettings: c.values(e, "msExchPOPIMAPInternalConnectionSettings", src),
		SSLBindings:                c.values(e, "msExchSecureBindings", src),
		UnencryptedOrTLSBindings:   c.values(e, "msExchServerBindings", src),
	}
	c.org.PopImap = append(c.org.PopImap, s)
	scheme := mailSchemes[service]

	published := false
	for _, a := range []struct {
		attr     string
		scope    inventory.Scope
		settings []string
	}{
		{"msExchPOPIMAPInternalConnectionSettings", inventory.ScopeInternal, s.InternalConnectionSettings},
		{"msExchPOPIMAPExternalConnectionSettings", inventory.ScopeExternal, s.ExternalConnectionSettings},
	} {
		for _, v := range a.settings {
			published = true
			src := src
			src.Scope, src.Attribute, src.Value = a.scope, a.attr, v
			host, port, enc, ok := parseConnectionSetting(v)
			if !ok {
				c.note(catalog.DirectoryValueUnsafe, fmt.Sprintf("%s connection setting %q is not host:port[:SSL|TLS]", service, truncate(v, 200)), src)
				continue
			}
			sch, def := scheme.starttls, scheme.starttlsPort
			if enc == "SSL" {
				sch, def = scheme.ssl, scheme.sslPort
			}
			if port == "" {
				port = def
			}
			c.endpoint(sch+"://"+net.JoinHostPort(host, port), src, nil)
		}
	}
	if published {
		return
	}
	host, ok := c.hostOrServer(&src, s.X509CertificateName, "msExchPopImapX509CertificateName", server)
	if !ok {
		return
	}
	ssl, starttls := bindingPorts(s.SSLBindings), bindingPorts(s.UnencryptedOrTLSBindings)
	if len(ssl) == 0 && len(starttls) == 0 {
		ssl = []string{scheme.sslPort}
	}
	for _, port := range ssl {
		c.endpoint(scheme.ssl+"://"+net.JoinHostPort(host, port), src, nil)
	}
	for _, port := range starttls {
		c.endpoint(scheme.starttls+"://"+net.JoinHostPort(host, port), src, nil)
	}
}

// receiveConnector reads an SMTP receive connector: the FQDN it announces
// (msExchSMTPReceiveConnectorFQDN) on each port it listens on.
func (c *converter) receiveConnector(e Entry, p dnPath) {
	server := c.serverName(p.server())
	name := p.at(0).val
	src := inventory.Source{Service: inventory.ServiceSMTP, Server: server, Object: name, DN: e.DN}
	rc := inventory.ReceiveConnector{
		Server:             server,
		Name:               name,
		DN:                 e.DN,
		FQDN:               c.first(e, "msExchSMTPReceiveConnectorFQDN"),
		Bindings:           c.values(e, "msExchSmtpReceiveBindings", src),
		TLSCertificateName: c.first(e, "msExchSmtpTLSCertificate"),
		Enabled:            !strings.EqualFold(c.first(e, "msExchSmtpReceiveEnabled"), "FALSE"),
	}
	// Exchange persists TransportRole even at its default, HubTransport
	// (ReceiveConnectorSchema.TransportRole); an export without it leaves
	// the role unknown (0), never guessed.
	if r, err := strconv.Atoi(strings.TrimSpace(c.first(e, "msExchSmtpReceiveRole"))); err == nil {
		rc.Role = inventory.Roles(r)
	}
	c.org.ReceiveConnectors = append(c.org.ReceiveConnectors, rc)
	if !rc.Enabled {
		return
	}
	host, ok := c.hostOrServer(&src, rc.FQDN, "msExchSMTPReceiveConnectorFQDN", server)
	if !ok {
		return
	}
	srv := c.servers[strings.ToLower(server)]
	for _, port := range bindingPorts(rc.Bindings) {
		c.endpointFor("smtp://"+net.JoinHostPort(host, port), src, connectorPeer(rc, srv, port))
	}
}

// connectorPeer says who connects to a receive connector on port. From
// Exchange 2013 on, the HubTransport connectors ("Default <SERVER>" on 2525,
// "Client Proxy <SERVER>" on 465) belong to the back-end Transport service,
// which only the front end and other Exchange servers reach; the front end's
// "Outbound Proxy Frontend <SERVER>" on 717 accepts only Exchange servers
// (CSS-Exchange HealthChecker test data, GetReceiveConnector.xml). Port 587
// is message submission (RFC 6409: "Client <SERVER>", "Client Frontend
// <SERVER>"). Everything else takes mail from other mail servers.
func connectorPeer(rc inventory.ReceiveConnector, srv *inventory.Server, port string) inventory.Peer {
	switch {
	case rc.Role != 0 && rc.Role.Has(inventory.RoleHubTransport) && srv != nil && srv.Version.Major >= 15:
		return inventory.PeerExchange
	case port == "717" && (rc.Role == 0 || rc.Role.Has(inventory.RoleFrontendTransport)):
		return inventory.PeerExchange
	case port == "587":
		return inventory.PeerClients
	}
	return inventory.PeerMailServers
}

// acceptedDomain reads an accepted domain: bits 0–1 of
// msExchAcceptedDomainFlags are its type, bit 2 (4) marks the default
// domain (AcceptedDomainSchema).
func (c *converter) acceptedDomain(e Entry) {
	name := c.first(e, "msExchAcceptedDomainName")
	if name == "" {
		name = c.first(e, "cn")
	}
	flags, _ := strconv.Atoi(strings.TrimSpace(c.first(e, "msExchAcceptedDomainFlags")))
	c.org.AcceptedDomains = append(c.org.AcceptedDomains, inventory.AcceptedDomain{Name: name, Default: flags&4 != 0, DN: e.DN, Type: inventory.DomainType(flags & 3)})
}

func (c *converter) serverFQDN(name string) string {
	if s, ok := c.servers[strings.ToLower(name)]; ok {
		return s.FQDN
	}
	return ""
}

// parseConnectionSetting splits "host:port[:SSL|TLS]" (ProtocolConnectionSettings).
func parseConnectionSetting(v string) (host, port, enc string, ok bool) {
	rest := strings.TrimSpace(v)
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		if e := strings.ToUpper(rest[i+1:]); e == "SSL" || e == "TLS" {
			enc, rest = e, rest[:i]
		}
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.HasSuffix(rest, "]") {
		host, port = rest[:i], rest[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", "", "", false
		}
	} else {
		host = rest
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return host, port, enc, host != ""
}

// bindingPorts returns the distinct ports of "ip:port" bindings
// ("0.0.0.0:995", "[::]:995"); Exchange tolerates a trailing colon.
func bindingPorts(bindings []string) []string {
	var ports []string
	for _, b := range bindings {
		b = strings.TrimSuffix(strings.TrimSpace(b), ":")
		i := strings.LastIndexByte(b, ':')
		if i < 0 {
			continue
		}
		port := b[i+1:]
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			continue
		}
		if !slices.Contains(ports, port) {
			ports = append(ports, port)
		}
	}
	return ports
}

// hostOrServer is the host a mail service answers as: the value of attr
// when set, else the server's FQDN. It records which one src came from.
func (c *converter) hostOrServer(src *inventory.Source, value, attr, server string) (string, bool) {
	if value == "" {
		value, attr = c.serverFQDN(server), "networkAddress"
	}
	if value == "" {
		return "", false
	}
	src.Attribute, src.Value = attr, value
	return value, true
}
