package lab

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"strings"

	"github.com/exdiag/exdiag/internal/ad"
)

// Directory holds what an organisation's directory names besides its
// servers' URLs: the certificates and hosts Exchange itself refers to.
type Directory struct {
	// SendConnectors are the SMTP send connectors (msExchRoutingSMTPConnector).
	SendConnectors []SendConnector
	// RelayDomains are accepted domains of type InternalRelay; HybridDomain
	// is the hybrid routing domain (TENANT.mail.onmicrosoft.com), "" for none.
	RelayDomains []string
	HybridDomain string
	// Federation is the federation trust's current and next certificates
	// (by id); nil for no trust.
	Federation *Federation
	// AuthCert is the certificate (by id) whose thumbprint the Auth
	// Configuration holds; "" for no Auth Configuration. The lab serves it
	// nowhere, as Exchange does not.
	AuthCert string
	// WebSites are hosts that are not Exchange servers, such as the company
	// web site on the bare domain, each with its own address.
	WebSites []WebSite
	// PublicRecords, when set, are the records a public resolver answers
	// (the internet's view of the zones): the lab starts a second DNS
	// server with them and passes it as --external-dns-server.
	PublicRecords []string
}

// SendConnector is one send connector.
type SendConnector struct {
	Name       string // "Outbound to Office 365"
	FQDN       string
	TLSCert    string // the certificate (by id) TlsCertificateName names; "" for none
	TLSDomain  string
	SmartHosts []string
	Source     []string // source server names
}

// Federation is a federation trust's certificates, by id.
type Federation struct {
	Name          string // "Microsoft Federation Gateway"
	Current, Next string
}

// WebSite is a web server of the organisation that is not Exchange.
type WebSite struct {
	Host, IP string
	Cert     string // by id
}

// internalCert is the id of the certificate s publishes as its internal
// transport certificate.
func (s *ExchangeServer) internalCert() string {
	if s.InternalCert != "" {
		return s.InternalCert
	}
	return s.selfSigned()
}

// cert is the certificate made for id, nil before the lab made them (or
// for "").
func (o *Org) cert(id string) *x509.Certificate {
	if id == "" {
		return nil
	}
	return o.certs[id]
}

// directoryLDIF writes the send connectors (under the administrative
// group's routing group, where Exchange 2007 and later keep them), the
// relay and hybrid routing domains, the federation trust and the Auth
// Configuration.
func (o *Org) directoryLDIF(w *ldifWriter, ag string) {
	org := o.orgDN()
	if len(o.SendConnectors) > 0 {
		rgs := "CN=Routing Groups," + ag
		rg := "CN=Exchange Routing Group (DWBGZMFD01QNBJR)," + rgs
		w.entry(rgs, "top", "msExchRoutingGroupContainer")
		w.entry(rg, "top", "msExchRoutingGroup")
		w.entry("CN=Connections,"+rg, "top", "msExchConnectors")
		for _, sc := range o.SendConnectors {
			w.entry("CN="+sc.Name+",CN=Connections,"+rg, "top", "mailGateway", "msExchRoutingSMTPConnector")
			w.attrIf("msExchSMTPSendConnectorFQDN", sc.FQDN)
			if c := o.cert(sc.TLSCert); c != nil {
				w.attr("msExchSmtpTLSCertificate", ad.TLSCertificateName(c))
			}
			w.attrIf("msExchSmtpSendTlsDomain", sc.TLSDomain)
			w.attrIf("msExchSmtpSmartHost", strings.Join(sc.SmartHosts, ";"))
			w.attr("msExchSmtpSendEnabled", "TRUE")
			for _, s := range sc.Source {
				w.attr("msExchSourceBridgeheadServersDN", "CN="+s+",CN=Servers,"+ag)
			}
		}
	}
	domains := "CN=Accepted Domains,CN=Transport Settings," + org
	for _, d := range o.RelayDomains {
		w.entry("CN="+d+","+domains, "top", "msExchAcceptedDomain")
		w.attr("msExchAcceptedDomainName", d)
		w.attr("msExchAcceptedDomainFlags", "2")
	}
	if o.HybridDomain != "" {
		w.entry("CN="+o.HybridDomain+","+domains, "top", "msExchAcceptedDomain")
		w.attr("msExchAcceptedDomainName", o.HybridDomain)
		w.attr("msExchAcceptedDomainFlags", "0")
	}
	if f := o.Federation; f != nil {
		w.entry("CN=Federation Trusts,"+org, "top", "msExchContainer")
		w.entry("CN="+f.Name+",CN=Federation Trusts,"+org, "top", "msExchFedTrust")
		if c := o.cert(f.Current); c != nil {
			w.attr("msExchFedOrgCertificate", string(serializeStoreElement(c.Raw)))
			w.attr("msExchFedOrgPrivCertificate", thumbprintOf(c))
		}
		if c := o.cert(f.Next); c != nil {
			w.attr("msExchFedOrgNextCertificate", string(serializeStoreElement(c.Raw)))
			w.attr("msExchFedOrgNextPrivCertificate", thumbprintOf(c))
		}
	}
	if c := o.cert(o.AuthCert); c != nil {
		w.entry("CN=Auth Configuration,"+org, "top", "msExchAuthAuthConfig")
		w.attr("msExchAuthCertificateThumbprint", "0:"+thumbprintOf(c))
	}
}

// serializeStoreElement writes a certificate as
// X509Certificate2.Export(SerializedCert) does, the form Exchange stores
// certificates in the directory in: little-endian records {property id,
// encoding type, length, value}, here the SHA-1 hash property
// (CERT_SHA1_HASH_PROP_ID, 3) and the certificate (CERT_CERT_PROP_ID, 0x20).
func serializeStoreElement(der []byte) []byte {
	sum := sha1.Sum(der)
	out := make([]byte, 0, 24+len(sum)+len(der))
	for _, rec := range []struct {
		id    uint32
		value []byte
	}{{3, sum[:]}, {0x20, der}} {
		out = binary.LittleEndian.AppendUint32(out, rec.id)
		out = binary.LittleEndian.AppendUint32(out, 1) // X509_ASN_ENCODING
		out = binary.LittleEndian.AppendUint32(out, uint32(len(rec.value)))
		out = append(out, rec.value...)
	}
	return out
}

// thumbprintOf is a certificate's SHA-1 thumbprint as Exchange writes it.
func thumbprintOf(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}
