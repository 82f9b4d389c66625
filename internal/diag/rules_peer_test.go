package diag

import (
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/probe"
)

// smtp adds an SMTP receive connector endpoint of server EX16 that peer
// connects to, served with hs.
func (b *obsBuilder) smtp(raw string, peer inventory.Peer, hs *probe.Handshake) *obsBuilder {
	b.url(raw, hs)
	eo := &b.obs.Endpoints[len(b.obs.Endpoints)-1]
	eo.Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceSMTP, Server: "EX16", Object: "Default EX16"}
	eo.Endpoint.Peer = peer
	return b
}

func untrusted(hs *probe.Handshake) *probe.Handshake {
	hs.Trust = probe.Trust{Reason: probe.TrustUnknownAuthority, Detail: "self-signed"}
	return hs
}

// Exchange's own self-signed certificate where Exchange presents it by
// design is judged on its expiry only; SMTP name and trust problems of
// other certificates are warnings (opportunistic TLS), never errors.
func TestPeers(t *testing.T) {
	p := newPKI(t)
	valid, err := lab.ExchangeSelfSigned("EX16", "ex16.contoso.local", t0.AddDate(-1, 0, 0), 5)
	if err != nil {
		t.Fatal(err)
	}
	expired, err := lab.ExchangeSelfSigned("EX16", "ex16.contoso.local", t0.AddDate(-5, 0, -2), 5)
	if err != nil {
		t.Fatal(err)
	}
	mail := p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com")
	tests := []struct {
		name string
		add  func(b *obsBuilder)
		want []string
	}{
		{"back end on the internal transport certificate", func(b *obsBuilder) {
			b.smtp("smtp://ex16.contoso.local:2525", inventory.PeerExchange, untrusted(trusted(valid.Leaf)))
		}, nil},
		{"back end, expired: STARTTLS stops (KB 953354)", func(b *obsBuilder) {
			b.smtp("smtp://ex16.contoso.local:2525", inventory.PeerExchange, untrusted(trusted(expired.Leaf)))
		}, []string{"error cert-expired ex16.contoso.local [1]"}},
		{"the default certificate on the internet connector", func(b *obsBuilder) {
			b.smtp("smtp://ex16.contoso.local:25", inventory.PeerMailServers, untrusted(trusted(valid.Leaf)))
		}, nil},
		{"the default certificate on client submission", func(b *obsBuilder) {
			b.smtp("smtp://ex16.contoso.local:587", inventory.PeerClients, untrusted(trusted(valid.Leaf)))
		}, nil},
		{"a CA certificate without the connector's name", func(b *obsBuilder) {
			b.smtp("smtp://ex16.contoso.local:25", inventory.PeerMailServers, trusted(mail))
		}, []string{"warning name-mismatch ex16.contoso.local [1]"}},
		{"an untrusted CA certificate, mail servers", func(b *obsBuilder) {
			b.smtp("smtp://mail.contoso.com:25", inventory.PeerMailServers, untrusted(trusted(mail)))
		}, []string{"warning cert-untrusted mail.contoso.com [1]"}},
		{"an untrusted CA certificate, submission clients", func(b *obsBuilder) {
			b.smtp("smtp://mail.contoso.com:587", inventory.PeerClients, untrusted(trusted(mail)))
		}, []string{"error cert-untrusted mail.contoso.com [1]"}},
		{"the default certificate on https is a client's problem", func(b *obsBuilder) {
			b.url("https://ex16.contoso.local/owa", untrusted(trusted(valid.Leaf)))
		}, []string{"error cert-untrusted ex16.contoso.local [1]", "warning cert-self-signed ex16.contoso.local [1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newObs(t)
			tt.add(b)
			rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
			if got := codes(rep); !equal(got, tt.want) {
				t.Errorf("findings %q, want %q", got, tt.want)
			}
		})
	}
}

// A name mismatch on https and one on SMTP of the same host and
// certificate are two findings of their own severity, never merged.
func TestSeveritiesAreNotMerged(t *testing.T) {
	p := newPKI(t)
	mail := p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com")
	b := newObs(t).url("https://ex16.contoso.local/owa", trusted(mail))
	b.smtp("smtp://ex16.contoso.local:25", inventory.PeerMailServers, trusted(mail))
	b.obs.Handshakes[b.obs.Endpoints[1].Handshake].Key.Address = "192.0.2.5:25"
	rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
	want := []string{"error name-mismatch ex16.contoso.local [1]", "warning name-mismatch ex16.contoso.local [1]"}
	if got := codes(rep); !equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}

// POP3 left off by setup is one info finding per server and protocol,
// instead of an unreachable error per port; published settings, or a port
// that does not refuse, keep the errors.
func TestMailServiceDisabled(t *testing.T) {
	const dn = "CN=1,CN=POP3,CN=Protocols,CN=EX16"
	settings := func(internal, external []string) *inventory.Org {
		return &inventory.Org{Servers: []inventory.Server{{Name: "EX16", FQDN: "ex16.contoso.local", Version: inventory.Version{Major: 15, Minor: 1}}},
			PopImap: []inventory.PopImapSettings{{Server: "EX16", Protocol: inventory.ServicePOP3, DN: dn, InternalConnectionSettings: internal, ExternalConnectionSettings: external}}}
	}
	refused := func(addr string) *probe.Handshake {
		return &probe.Handshake{Key: probe.HandshakeKey{Address: addr}, Err: &probe.ConnError{Kind: probe.ErrRefused, Detail: "refused"}}
	}
	build := func(second *probe.Handshake) *obsBuilder {
		b := newObs(t).url("pop3s://ex16.contoso.local:995", refused("192.0.2.5:995")).url("pop3://ex16.contoso.local:110", second)
		for i := range b.obs.Endpoints {
			b.obs.Endpoints[i].Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServicePOP3, Server: "EX16", Object: "1", DN: dn}
		}
		return b
	}
	defaults := []string{"ex16.contoso.local:995:SSL", "ex16.contoso.local:110:TLS"}
	tests := []struct {
		name   string
		org    *inventory.Org
		second *probe.Handshake
		want   []string
	}{
		{"as setup leaves it", settings(defaults, nil), refused("192.0.2.5:110"), []string{"info mail-service-disabled ex16.contoso.local [2]"}},
		{"published outside", settings(defaults, []string{"mail.contoso.com:995:SSL"}), refused("192.0.2.5:110"),
			[]string{"error unreachable ex16.contoso.local [1]", "error unreachable ex16.contoso.local [1]"}},
		{"published on the namespace", settings([]string{"mail.contoso.com:995:SSL"}, nil), refused("192.0.2.5:110"),
			[]string{"error unreachable ex16.contoso.local [1]", "error unreachable ex16.contoso.local [1]"}},
		{"one port times out", settings(defaults, nil),
			&probe.Handshake{Key: probe.HandshakeKey{Address: "192.0.2.5:110"}, Err: &probe.ConnError{Kind: probe.ErrConnectTimeout, Detail: "timeout"}},
			[]string{"error unreachable ex16.contoso.local [1]", "error unreachable ex16.contoso.local [1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Judge(Input{Obs: build(tt.second).obs, Org: tt.org, Now: t0, WarnDays: 30})
			if got := codes(rep); !equal(got, tt.want) {
				t.Fatalf("findings %q, want %q", got, tt.want)
			}
			if tt.want[0][:4] == "info" && !strings.Contains(rep.Findings[0].Message, "MSExchangePOP3 and MSExchangePOP3BE") {
				t.Errorf("message %q does not name the services to start", rep.Findings[0].Message)
			}
		})
	}
}

// Remote PowerShell's http:// directory is by design; other http:// URLs
// are reported, with the certificate the host serves over https.
func TestURLNotHTTPS(t *testing.T) {
	p := newPKI(t)
	mail := p.leaf(t, t0.AddDate(1, 0, 0), "mail.contoso.com")
	b := newObs(t).url("http://ex16.contoso.local/powershell", nil).url("http://ex16.contoso.local/OAB", nil).url("https://ex16.contoso.local/owa", trusted(mail))
	b.obs.Endpoints[0].Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServicePowerShell, Server: "EX16"}
	b.obs.Endpoints[1].Endpoint.Source = inventory.Source{Origin: inventory.OriginLDAP, Service: inventory.ServiceOAB, Server: "EX16"}
	rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
	want := []string{"error name-mismatch ex16.contoso.local [1]", "warning url-not-https ex16.contoso.local [1]"}
	if got := codes(rep); !equal(got, want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	f := rep.Findings[1]
	if f.URL() != "http://ex16.contoso.local/OAB" || f.Thumbprint != Thumbprint(mail) || !strings.Contains(f.Message, "move the URL to https:// on a name it covers") {
		t.Errorf("url-not-https: %+v", f)
	}
}
