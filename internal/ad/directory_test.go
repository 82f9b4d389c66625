package ad

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/inventory"
)

const testOrg = "CN=Org,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=x"

// The certificates and names Exchange itself refers to are read from the
// same entries as the URLs: each server's internal transport certificate
// (serialized or plain DER), send connectors with their source servers,
// the AD sites, federation trusts and the Auth Configuration's thumbprints,
// and the type of each accepted domain.
func TestFromEntriesDirectoryObjects(t *testing.T) {
	der1, der2, fed := testCertDER(t, "EX1"), testCertDER(t, "EX2"), testCertDER(t, "Federation")
	routing := "CN=Connections,CN=Exchange Routing Group (DWBGZMFD01QNBJR),CN=Routing Groups,CN=AG,CN=Administrative Groups," + testOrg
	entries := []Entry{
		serverEntry("EX1", Attr{"msExchServerInternalTLSCert", []string{string(record(3, []byte("hash"))) + string(record(0x20, der1))}}),
		serverEntry("EX2", Attr{"MSEXCHSERVERINTERNALTLSCERT", []string{string(der2)}}),
		serverEntry("EX3", Attr{"msExchServerInternalTLSCert", []string{"garbage"}}),
		{DN: "CN=Outbound to Office 365," + routing, Attrs: []Attr{
			{"objectClass", []string{"top", "mailGateway", "msExchRoutingSMTPConnector"}},
			{"msExchSMTPSendConnectorFQDN", []string{"mail.x"}},
			{"msExchSmtpTLSCertificate", []string{"<I>CN=CA<S>CN=mail.x"}},
			{"msExchSmtpSendTlsDomain", []string{"mail.protection.outlook.com"}},
			{"msExchSmtpSmartHost", []string{"x-com.mail.protection.outlook.com; relay.x"}},
			{"msExchSourceBridgeheadServersDN", []string{"CN=ex1," + testServers, "CN=Frontend,CN=Transport Configuration,CN=EX2," + testServers}},
		}},
		{DN: "CN=Disabled," + routing, Attrs: []Attr{{"objectClass", []string{"msExchRoutingSMTPConnector"}}, {"msExchSmtpSendEnabled", []string{"FALSE"}}}},
		{DN: "CN=Branch,CN=Sites,CN=Configuration,DC=x", Attrs: []Attr{{"objectClass", []string{"top", "site"}}}},
		{DN: "CN=Default-First-Site-Name,CN=Sites,CN=Configuration,DC=x", Attrs: []Attr{{"objectClass", []string{"top", "site"}}}},
		{DN: "CN=Microsoft Federation Gateway,CN=Federation Trusts," + testOrg, Attrs: []Attr{
			{"objectClass", []string{"top", "msExchFedTrust"}},
			{"msExchFedOrgCertificate", []string{string(record(0x20, fed))}},
			{"msExchFedOrgNextCertificate", []string{"not a certificate"}},
		}},
		{DN: "CN=Auth Configuration," + testOrg, Attrs: []Attr{{"objectClass", []string{"msExchAuthAuthConfig"}},
			{"msExchAuthCertificateThumbprint", []string{"1:AAAA", "0:BBBB", "2:CCCC"}}}},
		{DN: "CN=x.com,CN=Accepted Domains,CN=Transport Settings," + testOrg, Attrs: []Attr{{"objectClass", []string{"msExchAcceptedDomain"}},
			{"msExchAcceptedDomainName", []string{"x.com"}}, {"msExchAcceptedDomainFlags", []string{"4"}}}},
		{DN: "CN=partner.com,CN=Accepted Domains,CN=Transport Settings," + testOrg, Attrs: []Attr{{"objectClass", []string{"msExchAcceptedDomain"}},
			{"msExchAcceptedDomainName", []string{"partner.com"}}, {"msExchAcceptedDomainFlags", []string{"2"}}}},
		{DN: "CN=x.mail.onmicrosoft.com,CN=Accepted Domains,CN=Transport Settings," + testOrg, Attrs: []Attr{{"objectClass", []string{"msExchAcceptedDomain"}},
			{"msExchAcceptedDomainName", []string{"x.mail.onmicrosoft.com"}}, {"msExchAcceptedDomainFlags", []string{"0"}}}},
	}
	org, err := FromEntries(entries, inventory.OriginLDIF, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(org.Servers[0].InternalTransportCert, der1) || !bytes.Equal(org.Servers[1].InternalTransportCert, der2) || org.Servers[2].InternalTransportCert != nil {
		t.Errorf("internal transport certificates: %d, %d, %d bytes", len(org.Servers[0].InternalTransportCert), len(org.Servers[1].InternalTransportCert), len(org.Servers[2].InternalTransportCert))
	}
	var unsafe []string
	for _, n := range org.Notes {
		if n.Code == "directory-value-unsafe" {
			unsafe = append(unsafe, n.Source.Attribute+" "+string(n.Source.Service))
		}
	}
	if want := []string{"msExchServerInternalTLSCert internal-transport-certificate", "msExchFedOrgNextCertificate federation-trust"}; !reflect.DeepEqual(unsafe, want) {
		t.Errorf("unreadable certificates noted as %q, want %q", unsafe, want)
	}
	if len(org.SendConnectors) != 2 {
		t.Fatalf("send connectors %+v", org.SendConnectors)
	}
	sc := org.SendConnectors[1]
	if sc.Name != "Outbound to Office 365" || sc.FQDN != "mail.x" || sc.TLSCertificateName != "<I>CN=CA<S>CN=mail.x" || sc.TLSDomain != "mail.protection.outlook.com" ||
		!sc.Enabled || !reflect.DeepEqual(sc.SmartHosts, []string{"x-com.mail.protection.outlook.com", "relay.x"}) || !reflect.DeepEqual(sc.SourceServers, []string{"EX1", "EX2"}) {
		t.Errorf("send connector %+v", sc)
	}
	if org.SendConnectors[0].Enabled {
		t.Errorf("a connector with msExchSmtpSendEnabled FALSE is enabled")
	}
	if !reflect.DeepEqual(org.Sites, []string{"Branch", "Default-First-Site-Name"}) {
		t.Errorf("sites %q", org.Sites)
	}
	if len(org.FederationTrusts) != 1 || len(org.FederationTrusts[0].Certificates) != 1 || org.FederationTrusts[0].Certificates[0].Role != "current" ||
		!bytes.Equal(org.FederationTrusts[0].Certificates[0].DER, fed) {
		t.Errorf("federation trusts %+v", org.FederationTrusts)
	}
	if ac := org.AuthConfig; ac == nil || ac.Current != "BBBB" || ac.Previous != "AAAA" || ac.Next != "CCCC" {
		t.Errorf("auth config %+v", org.AuthConfig)
	}
	var domains []string
	for _, d := range org.AcceptedDomains {
		domains = append(domains, d.Name+" "+d.Type.String()+" "+map[bool]string{true: "client", false: "-"}[d.ClientDomain()])
	}
	if want := []string{"partner.com InternalRelay -", "x.com Authoritative client", "x.mail.onmicrosoft.com Authoritative -"}; !reflect.DeepEqual(domains, want) {
		t.Errorf("accepted domains %q, want %q", domains, want)
	}

	// --server keeps the send connectors its servers send through.
	org, err = FromEntries(entries, inventory.OriginLDIF, Filter{Servers: []string{"EX3"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(org.SendConnectors) != 1 || org.SendConnectors[0].Name != "Disabled" {
		t.Errorf("with --server EX3: send connectors %+v", org.SendConnectors)
	}
}

// An Auth Configuration written before the previous/next tags existed
// holds one bare thumbprint: the current one.
func TestAuthConfigBareThumbprint(t *testing.T) {
	org, err := FromEntries([]Entry{serverEntry("EX1"), {DN: "CN=Auth Configuration," + testOrg, Attrs: []Attr{{"objectClass", []string{"msExchAuthAuthConfig"}},
		{"msExchAuthCertificateThumbprint", []string{"DDDD"}}}}}, inventory.OriginLDIF, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if ac := org.AuthConfig; ac == nil || ac.Current != "DDDD" || ac.Next != "" {
		t.Errorf("auth config %+v", org.AuthConfig)
	}
	if !strings.Contains(org.Name, "Org") {
		t.Errorf("org %q", org.Name)
	}
}
