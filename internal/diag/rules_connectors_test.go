package diag

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

const rcDN = "CN=Default Frontend EX16,CN=SMTP Receive Connectors,CN=Protocols,CN=EX16"

// connectorObs is a receive connector's port 25 as served by hs.
func connectorObs(t *testing.T, hs *probe.Handshake) *obsBuilder {
	b := newObs(t).url("smtp://mail.contoso.com:25", hs)
	if hs == nil {
		b.obs.Endpoints[0].Handshake = probe.HandshakeKey{Address: "192.0.2.5:25", SNI: "mail.contoso.com", StartTLS: probe.StartTLSSMTP}
		b.obs.Handshakes[b.obs.Endpoints[0].Handshake] = &probe.Handshake{Key: b.obs.Endpoints[0].Handshake, Err: &probe.ConnError{Kind: probe.ErrStartTLSMissing, Detail: "no starttls"}}
	}
	b.obs.Endpoints[0].Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceSMTP, Server: "EX16", Object: "Default Frontend EX16", DN: rcDN}
	b.obs.Endpoints[0].Endpoint.Peer = inventory.PeerMailServers
	return b
}

func TestReceiveConnectorTLSCertificateName(t *testing.T) {
	p := newPKI(t)
	renewed := p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com")
	expired := p.leaf(t, t0.AddDate(0, 0, -2), "mail.contoso.com")
	old := p.leaf(t, t0.AddDate(1, 0, 0), "smtp.contoso.com", "mail.contoso.com")
	for _, tt := range []struct {
		name    string
		served  *x509.Certificate // nil: no STARTTLS
		tlsName string
		enabled bool
		want    []string
		msg     string
	}{
		{"names what it serves", renewed, ad.TLSCertificateName(renewed), true, nil, ""},
		{"names the certificate before the renewal", renewed, ad.TLSCertificateName(old), true, []string{"error connector-cert-mismatch mail.contoso.com [1]"}, "KB 2989382"},
		{"no STARTTLS since the renewal", nil, ad.TLSCertificateName(old), true, []string{"error connector-cert-mismatch mail.contoso.com [1]", "error starttls-missing mail.contoso.com [1]"}, "stops offering STARTTLS"},
		{"names the expired certificate it serves", expired, ad.TLSCertificateName(expired), true, []string{"error cert-expired mail.contoso.com [1]", "error connector-cert-mismatch mail.contoso.com [1]"}, "expired on"},
		{"not <I>…<S>…", renewed, "mail.contoso.com", true, []string{"error connector-cert-mismatch mail.contoso.com [0]"}, "not of the form"},
		{"disabled", renewed, ad.TLSCertificateName(old), false, nil, ""},
		{"no TlsCertificateName", renewed, "", true, nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var hs *probe.Handshake
			if tt.served != nil {
				hs = trusted(tt.served)
				hs.Key.Address = "192.0.2.5:25"
			}
			b := connectorObs(t, hs)
			org := &inventory.Org{ReceiveConnectors: []inventory.ReceiveConnector{{Server: "EX16", Name: "Default Frontend EX16", DN: rcDN,
				FQDN: "mail.contoso.com", TLSCertificateName: tt.tlsName, Enabled: tt.enabled}}}
			rep := Judge(Input{Obs: b.obs, Org: org, Now: t0, WarnDays: 30})
			if got := codes(rep); !equal(got, tt.want) {
				t.Fatalf("findings %q, want %q", got, tt.want)
			}
			for _, f := range rep.Findings {
				if f.Code != catalog.ConnectorCertMismatch {
					continue
				}
				if !strings.Contains(f.Message, tt.msg) || f.Sources[0].Attribute != "msExchSmtpTLSCertificate" || f.Sources[0].Value != tt.tlsName {
					t.Errorf("finding %+v: want %q in the message and the TlsCertificateName as source", f, tt.msg)
				}
			}
		})
	}
}

// A send connector is judged by what its source servers serve: the
// certificate it names must be among them and valid, and cover its FQDN.
func TestSendConnectorTLSCertificateName(t *testing.T) {
	p := newPKI(t)
	cur := p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com")
	expired := p.leaf(t, t0.AddDate(0, 0, -3), "mail.contoso.com", "smtp.contoso.com")
	gone := p.leaf(t, t0.AddDate(1, 0, 0), "hybrid.contoso.com")
	for _, tt := range []struct {
		name, fqdn string
		names      *x509.Certificate
		served     *x509.Certificate // by EX16 on SMTP; nil: EX16 unreachable
		want       []string
	}{
		{"names what the source server serves", "mail.contoso.com", cur, cur, nil},
		{"names a certificate no source server has", "mail.contoso.com", gone, cur, []string{"error connector-cert-mismatch Outbound to Office 365 [0]"}},
		{"names an expired certificate", "smtp.contoso.com", expired, expired, []string{"error connector-cert-mismatch Outbound to Office 365 [0]", "error cert-expired mail.contoso.com [1]"}},
		{"announces a name the certificate does not cover", "smtp.contoso.com", cur, cur, []string{"warning connector-cert-mismatch Outbound to Office 365 [0]"}},
		{"no source server answered", "mail.contoso.com", gone, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := newObs(t)
			if tt.served != nil {
				b.url("smtp://mail.contoso.com:25", trusted(tt.served))
				b.obs.Endpoints[0].Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceSMTP, Server: "EX16", Object: "Default Frontend EX16"}
				b.obs.Endpoints[0].Endpoint.Peer = inventory.PeerMailServers
			}
			org := &inventory.Org{SendConnectors: []inventory.SendConnector{{Name: "Outbound to Office 365", DN: "CN=Outbound to Office 365", FQDN: tt.fqdn,
				TLSCertificateName: ad.TLSCertificateName(tt.names), SourceServers: []string{"EX16"}, Enabled: true}}}
			rep := Judge(Input{Obs: b.obs, Org: org, Now: t0, WarnDays: 30})
			if got := codes(rep); !equal(got, tt.want) {
				t.Fatalf("findings %q, want %q", got, tt.want)
			}
		})
	}
}
