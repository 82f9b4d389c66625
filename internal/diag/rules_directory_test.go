package diag

import (
	"crypto/x509"
	"slices"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/probe"
)

func exchangeSelf(t *testing.T, name string, installed int, years int) *x509.Certificate {
	t.Helper()
	c, err := lab.ExchangeSelfSigned(name, strings.ToLower(name)+".contoso.local", t0.AddDate(0, installed, 0), years)
	if err != nil {
		t.Fatal(err)
	}
	return c.Leaf
}

func exServer(name, version string, roles inventory.Roles, internal *x509.Certificate) inventory.Server {
	v, _ := inventory.ParseSerialNumber(version)
	s := inventory.Server{Name: name, FQDN: strings.ToLower(name) + ".contoso.local", DN: "CN=" + name + ",CN=Servers", Version: v, Roles: roles}
	if internal != nil {
		s.InternalTransportCert = internal.Raw
	}
	return s
}

// KB 953354 from the directory alone: the expired internal transport
// certificate is found with no endpoint at all; Exchange's own valid
// self-signed certificate, setup's default, is no finding.
func TestInternalTransportFromTheDirectory(t *testing.T) {
	expired := exchangeSelf(t, "EX03", -13, 1)
	fine := exchangeSelf(t, "EX16", -12, 5)
	edge := exchangeSelf(t, "EDGE01", -12, 1) // expires the day after the check
	org := &inventory.Org{Servers: []inventory.Server{
		exServer("EX03", "Version 8.1 (Build 30240.6)", inventory.RoleHubTransport, expired),
		exServer("EX16", "Version 15.1 (Build 32507.006)", inventory.RoleMailbox, fine),
		exServer("EDGE01", "Version 8.1 (Build 30240.6)", inventory.RoleEdge, edge),
	}}
	rep := Judge(Input{Obs: newObs(t).obs, Org: org, Now: t0.AddDate(0, 0, -1), WarnDays: 30})
	want := []string{"error cert-expired ex03.contoso.local [0]", "warning cert-expiring edge01.contoso.local [0]"}
	if got := codes(rep); !equal(got, want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	f := rep.Findings[0]
	if f.Sources[0].Service != inventory.ServiceInternalTransport || f.Sources[0].Attribute != "msExchServerInternalTLSCert" || f.Thumbprint != Thumbprint(expired) {
		t.Errorf("finding %+v does not name the directory attribute and the certificate", f)
	}
	for _, s := range []string{"internal transport certificate of EX03", "KB 953354", "12015", "read from the directory"} {
		if !strings.Contains(f.Message, s) {
			t.Errorf("message %q lacks %q", f.Message, s)
		}
	}
	if !strings.Contains(rep.Findings[1].Message, "Edge subscription") {
		t.Errorf("Edge message %q", rep.Findings[1].Message)
	}
	if len(rep.DirectoryCertificates) != 3 || rep.DirectoryCertificates[2].Role != "Edge subscription" {
		t.Errorf("directory certificates %+v", rep.DirectoryCertificates)
	}
}

// When the server serves the same expired certificate, the served finding
// gains the directory as a source: one renewal, not two.
func TestInternalTransportJoinsTheServedFinding(t *testing.T) {
	expired := exchangeSelf(t, "EX03", -13, 1)
	b := newObs(t).url("smtp://ex03.contoso.local:25", &probe.Handshake{Chain: []*x509.Certificate{expired}, Trust: probe.Trust{Verified: true}})
	b.obs.Endpoints[0].Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceSMTP, Server: "EX03", Object: "Default EX03"}
	b.obs.Endpoints[0].Endpoint.Peer = inventory.PeerMailServers
	org := &inventory.Org{Servers: []inventory.Server{exServer("EX03", "Version 8.1 (Build 30240.6)", inventory.RoleHubTransport, expired)}}
	rep := Judge(Input{Obs: b.obs, Org: org, Now: t0, WarnDays: 30})
	var expiredFindings []Finding
	for _, f := range rep.Findings {
		if f.Code == catalog.CertExpired {
			expiredFindings = append(expiredFindings, f)
		}
	}
	if len(expiredFindings) != 1 {
		t.Fatalf("%d cert-expired findings, want 1: %q", len(expiredFindings), codes(rep))
	}
	f := expiredFindings[0]
	if len(f.URLs) != 1 || len(f.Sources) != 2 || f.Sources[1].Service != inventory.ServiceInternalTransport || !strings.Contains(f.Message, "sees it in the directory too") {
		t.Errorf("served finding did not gain the directory source: %+v", f)
	}
}

// Where only Exchange servers connect, the server presents what it
// published; otherwise the two copies disagree.
func TestInternalTransportMismatch(t *testing.T) {
	published := exchangeSelf(t, "EX16", -24, 5)
	served := exchangeSelf(t, "EX16", -12, 5)
	b := newObs(t).url("smtp://ex16.contoso.local:2525", trusted(served))
	eo := &b.obs.Endpoints[0]
	eo.Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceSMTP, Server: "EX16", Object: "Default EX16"}
	eo.Endpoint.Peer = inventory.PeerExchange
	org := &inventory.Org{Servers: []inventory.Server{exServer("EX16", "Version 15.1 (Build 32507.006)", inventory.RoleMailbox, published)}}
	rep := Judge(Input{Obs: b.obs, Org: org, Now: t0, WarnDays: 30})
	if got, want := codes(rep), []string{"warning internal-transport-cert-mismatch ex16.contoso.local [1]"}; !equal(got, want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	if f := rep.Findings[0]; f.Thumbprint != Thumbprint(served) || !strings.Contains(f.Message, Thumbprint(published)) {
		t.Errorf("finding %+v", f)
	}
	// The same certificate: nothing.
	org.Servers[0].InternalTransportCert = served.Raw
	if rep := Judge(Input{Obs: b.obs, Org: org, Now: t0, WarnDays: 30}); len(rep.Findings) != 0 {
		t.Errorf("same certificate: %q", codes(rep))
	}
}

func TestInternalTransportWeakKey(t *testing.T) {
	weak, err := lab.SelfSigned(lab.LeafSpec{CommonName: "EX10", DNSNames: []string{"EX10", "ex10.contoso.local"}, RSABits: 1024, NotBefore: t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(4, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	org := &inventory.Org{Servers: []inventory.Server{exServer("EX10", "Version 14.3 (Build 30123.4)", inventory.RoleHubTransport, weak.Leaf)}}
	rep := Judge(Input{Obs: newObs(t).obs, Org: org, Now: t0, WarnDays: 30})
	if got, want := codes(rep), []string{"warning cert-weak-key ex10.contoso.local [0]"}; !equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}

// The federation certificate's expiry is judged from the directory; the
// previous one is kept only to be removed. The Auth Configuration names a
// thumbprint: judged when a server served it, otherwise said unknown.
func TestFederationAndAuthCertificates(t *testing.T) {
	fedCur, err := lab.SelfSigned(lab.LeafSpec{CommonName: "Federation", DNSNames: []string{"Federation"}, NotBefore: t0.AddDate(-5, 0, 0), NotAfter: t0.AddDate(0, 0, 10)})
	if err != nil {
		t.Fatal(err)
	}
	fedPrev := exchangeSelf(t, "OLD", -72, 5)
	p := newPKI(t)
	served := p.leaf(t, t0.AddDate(0, 0, -1), "mail.contoso.com")
	b := newObs(t).url("https://mail.contoso.com/owa", trusted(served))
	org := &inventory.Org{
		FederationTrusts: []inventory.FederationTrust{{Name: "Microsoft Federation Gateway", DN: "CN=Microsoft Federation Gateway", Certificates: []inventory.StoredCert{
			{Role: "current", Attribute: "msExchFedOrgCertificate", DER: fedCur.Leaf.Raw},
			{Role: "previous", Attribute: "msExchFedOrgPrevCertificate", DER: fedPrev.Raw},
		}}},
		AuthConfig: &inventory.AuthConfig{DN: "CN=Auth Configuration", Current: "aa bb" + strings.Repeat("0", 36), Next: Thumbprint(served)},
	}
	rep := Judge(Input{Obs: b.obs, Org: org, Now: t0, WarnDays: 30})
	got := codes(rep)
	for _, want := range []string{"error cert-expired Auth Configuration [0]", "warning cert-expiring Microsoft Federation Gateway [0]", "info auth-cert-unknown Auth Configuration [0]"} {
		if !slices.Contains(got, want) {
			t.Errorf("findings %q lack %q", got, want)
		}
	}
	for _, f := range rep.Findings {
		if f.Code == catalog.AuthCertUnknown && f.Thumbprint != "AABB"+strings.Repeat("0", 36) {
			t.Errorf("unknown thumbprint %q not normalised", f.Thumbprint)
		}
		if f.Host == "Microsoft Federation Gateway" && f.Thumbprint == Thumbprint(fedPrev) {
			t.Errorf("the previous federation certificate was judged")
		}
	}
}
