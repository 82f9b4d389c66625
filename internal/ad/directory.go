package ad

import (
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
)

// This file reads the certificates and names Exchange itself refers to:
// the internal transport certificate of each server, send connectors, AD
// sites, federation trusts and the Auth Configuration (exchange-ad.md §5).

// internalTransportCert reads msExchServerInternalTLSCert: the server's
// internal transport certificate, serialized by
// X509Certificate2.Export(SerializedCert) (ManageExchangeCertificate.cs
// UpdateActiveDirectory); on an Edge server, its subscription certificate.
func (c *converter) internalTransportCert(e Entry, s *inventory.Server) {
	const attr = "msExchServerInternalTLSCert"
	src := inventory.Source{Service: inventory.ServiceInternalTransport, Server: s.Name, Object: s.Name, DN: e.DN, Attribute: attr}
	raw := c.first(e, attr)
	if raw == "" {
		return
	}
	der, err := StoreCertificate([]byte(raw))
	if err != nil {
		c.note(catalog.DirectoryValueUnsafe, fmt.Sprintf("the internal transport certificate of %s (%s, %d bytes) cannot be read: %v; it is not judged", s.Name, attr, len(raw), err), src)
		return
	}
	s.InternalTransportCert = der
}

// sendConnector reads an SMTP send connector (SmtpSendConnectorConfigSchema).
func (c *converter) sendConnector(e Entry, p dnPath) {
	sc := inventory.SendConnector{
		Name:               p.at(0).val,
		DN:                 e.DN,
		FQDN:               c.first(e, "msExchSMTPSendConnectorFQDN"),
		TLSCertificateName: c.first(e, "msExchSmtpTLSCertificate"),
		TLSDomain:          c.first(e, "msExchSmtpSendTlsDomain"),
		Enabled:            !strings.EqualFold(c.first(e, "msExchSmtpSendEnabled"), "FALSE"),
	}
	src := inventory.Source{Service: inventory.ServiceSendConnector, Object: sc.Name, DN: e.DN}
	// msExchSmtpSmartHost is one string of hosts separated by commas or
	// semicolons (SmtpSendConnectorConfig.SmartHostsGetter).
	for _, v := range c.values(e, "msExchSmtpSmartHost", src) {
		for _, h := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
			if h = strings.TrimSpace(h); h != "" {
				sc.SmartHosts = append(sc.SmartHosts, h)
			}
		}
	}
	for _, dn := range c.values(e, "msExchSourceBridgeheadServersDN", src) {
		if name := serverOfDN(dn); name != "" {
			sc.SourceServers = append(sc.SourceServers, c.serverName(name))
		}
	}
	c.org.SendConnectors = append(c.org.SendConnectors, sc)
}

// serverOfDN names the Exchange server a DN belongs to: the component right
// below CN=Servers (a server object, or an object inside one).
func serverOfDN(dn string) string {
	p, ok := parseDN(dn)
	if !ok {
		return ""
	}
	if i := p.index("Servers"); i >= 1 {
		return p.at(i - 1).val
	}
	return p.at(0).val
}

// site records an AD site (CN=<site>,CN=Sites,<configNC>).
func (c *converter) site(p dnPath) {
	if p.at(1).is("Sites") {
		c.org.Sites = append(c.org.Sites, p.at(0).val)
	}
}

// federationTrust reads a federation trust's certificates (FederationTrustSchema):
// each is stored as X509Certificate2.Export(SerializedCert).
func (c *converter) federationTrust(e Entry, p dnPath) {
	ft := inventory.FederationTrust{Name: p.at(0).val, DN: e.DN}
	for _, a := range []struct{ role, attr string }{
		{"current", "msExchFedOrgCertificate"},
		{"next", "msExchFedOrgNextCertificate"},
		{"previous", "msExchFedOrgPrevCertificate"},
	} {
		raw := c.first(e, a.attr)
		if raw == "" {
			continue
		}
		der, err := StoreCertificate([]byte(raw))
		if err != nil {
			c.note(catalog.DirectoryValueUnsafe, fmt.Sprintf("the %s certificate of the federation trust %s (%s) cannot be read: %v; it is not judged", a.role, ft.Name, a.attr, err),
				inventory.Source{Service: inventory.ServiceFederationTrust, Object: ft.Name, DN: e.DN, Attribute: a.attr})
			continue
		}
		ft.Certificates = append(ft.Certificates, inventory.StoredCert{Role: a.role, Attribute: a.attr, DER: der})
	}
	c.org.FederationTrusts = append(c.org.FederationTrusts, ft)
}

// authConfig reads the Auth Configuration's thumbprints (AuthConfigSchema):
// msExchAuthCertificateThumbprint holds "0:T" (current), "1:T" (previous)
// and "2:T" (next); a single value without a prefix is the current one.
func (c *converter) authConfig(e Entry) {
	ac := &inventory.AuthConfig{DN: e.DN}
	vs := c.values(e, "msExchAuthCertificateThumbprint", inventory.Source{Service: inventory.ServiceAuthConfig, DN: e.DN})
	for _, v := range vs {
		tag, value, ok := strings.Cut(v, ":")
		switch {
		case !ok && len(vs) == 1:
			ac.Current = strings.TrimSpace(v)
		case tag == "0":
			ac.Current = strings.TrimSpace(value)
		case tag == "1":
			ac.Previous = strings.TrimSpace(value)
		case tag == "2":
			ac.Next = strings.TrimSpace(value)
		}
	}
	c.org.AuthConfig = ac
}
