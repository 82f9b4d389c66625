package lab

import (
	"bytes"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/inventory"
)

// What the lab publishes in its directory reads back through the real
// reader: every server's internal transport certificate as a serialized
// store element, connectors' TlsCertificateName as Windows writes issuer
// and subject, send connectors with their source servers, the federation
// trust, the Auth Configuration's thumbprint, the relay and hybrid routing
// domains and the sites.
func TestDirectoryObjectsReadBack(t *testing.T) {
	sc, err := Load("hybrid")
	if err != nil {
		t.Fatal(err)
	}
	l, err := Prepare(sc)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ad.ReadLDIF(strings.NewReader(sc.Org.LDIF()))
	if err != nil {
		t.Fatal(err)
	}
	org, err := ad.FromEntries(entries, inventory.OriginLDIF, ad.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// Each server publishes its self-signed certificate, but EX56 the old
	// one it once enabled for SMTP.
	for _, s := range org.Servers {
		id := "self:" + s.Name
		if s.Name == "EX56" {
			id = "hybrid-old"
		}
		if want := l.certs[id].Leaf.Raw; !bytes.Equal(s.InternalTransportCert, want) {
			t.Errorf("%s publishes %d bytes, not certificate %s", s.Name, len(s.InternalTransportCert), id)
		}
	}
	old := ad.TLSCertificateName(l.certs["hybrid-old"].Leaf)
	if !strings.Contains(old, "O=Contoso Ltd") {
		t.Errorf("the old certificate's name %q lacks its organisation", old)
	}
	tls := map[string]string{}
	for _, rc := range org.ReceiveConnectors {
		if rc.TLSCertificateName != "" {
			tls[rc.Name] = rc.TLSCertificateName
		}
	}
	if tls["Default Frontend EX56"] != old || tls["Default Frontend EX57"] != ad.TLSCertificateName(l.certs["mail-new"].Leaf) || len(tls) != 2 {
		t.Errorf("receive connectors' TlsCertificateName %q", tls)
	}
	if len(org.SendConnectors) != 2 || org.SendConnectors[1].Name != "Outbound to Office 365" || org.SendConnectors[1].TLSCertificateName != old ||
		strings.Join(org.SendConnectors[1].SourceServers, ",") != "EX56,EX57" || org.SendConnectors[1].TLSDomain != "mail.protection.outlook.com" {
		t.Errorf("send connectors %+v", org.SendConnectors)
	}
	if len(org.FederationTrusts) != 1 || !bytes.Equal(org.FederationTrusts[0].Certificates[0].DER, l.certs["federation"].Leaf.Raw) {
		t.Errorf("federation trusts %+v", org.FederationTrusts)
	}
	if org.AuthConfig == nil || org.AuthConfig.Current != l.Thumbprint("auth") {
		t.Errorf("auth config %+v, want %s", org.AuthConfig, l.Thumbprint("auth"))
	}
	var types []string
	for _, d := range org.AcceptedDomains {
		types = append(types, d.Name+"="+d.Type.String())
	}
	if got := strings.Join(types, " "); got != "contoso.com=Authoritative contoso.mail.onmicrosoft.com=Authoritative fabrikam.com=InternalRelay" {
		t.Errorf("accepted domains %s", got)
	}
	if strings.Join(org.Sites, ",") != defaultSite {
		t.Errorf("sites %q", org.Sites)
	}
}

// A receive connector whose TlsCertificateName names a certificate the
// server does not present offers no STARTTLS, as Exchange does after a
// renewal (KB 2989382); one that names what it presents does.
func TestConnectorNamingAnotherCertificateOffersNoSTARTTLS(t *testing.T) {
	sc, _ := Load("hybrid")
	for _, s := range sc.Org.Servers {
		for _, ln := range s.listeners() {
			if ln.port != 25 {
				continue
			}
			if want := s.Name == "EX56"; ln.noTLS != want {
				t.Errorf("%s port 25: noTLS %v, want %v", s.Name, ln.noTLS, want)
			}
		}
	}
}
