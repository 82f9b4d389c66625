package ad_test

import (
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/lab"
)

// Who connects to each receive connector, read from the connectors a
// fresh Exchange 2010 and 2016 server have: the 2013+ back end (2525, 465)
// and the outbound proxy (717) take only Exchange servers; 25 takes mail
// servers; 587 takes submission clients.
func TestConnectorPeers(t *testing.T) {
	sc, err := lab.Load("fresh2010-2019")
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
	want := map[string]inventory.Peer{
		"EX2010 smtp://ex2010.contoso.local:25":   inventory.PeerMailServers,
		"EX2010 smtp://ex2010.contoso.local:587":  inventory.PeerClients,
		"EX2016 smtp://ex2016.contoso.local:2525": inventory.PeerExchange,
		"EX2016 smtp://ex2016.contoso.local:465":  inventory.PeerExchange,
		"EX2016 smtp://ex2016.contoso.local:25":   inventory.PeerMailServers,
		"EX2016 smtp://ex2016.contoso.local:717":  inventory.PeerExchange,
		"EX2016 smtp://ex2016.contoso.local:587":  inventory.PeerClients,
	}
	got := map[string]inventory.Peer{}
	for _, e := range org.Endpoints {
		switch {
		case e.Source.Service == inventory.ServiceSMTP && e.Source.Server != "EX2019":
			got[e.Source.Server+" "+e.URL] = e.Peer
		case e.Source.Service != inventory.ServiceSMTP && e.Peer != inventory.PeerClients:
			t.Errorf("%s (%s) has peer %q", e.URL, e.Source.Service, e.Peer)
		}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: peer %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("SMTP endpoints %v, want %v", got, want)
	}
}

// A connector whose transport role the data does not give (an export
// without msExchSmtpReceiveRole) is never taken for the back end, where
// exdiag judges less.
func TestConnectorPeerUnknownRole(t *testing.T) {
	ldif := strings.Replace(mustLDIF(t, "fresh2016"), "msExchSmtpReceiveRole:", "x-removed:", -1)
	entries, err := ad.ReadLDIF(strings.NewReader(ldif))
	if err != nil {
		t.Fatal(err)
	}
	org, err := ad.FromEntries(entries, inventory.OriginLDIF, ad.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range org.Endpoints {
		if e.Source.Service != inventory.ServiceSMTP {
			continue
		}
		n++
		want := inventory.PeerMailServers
		switch {
		case strings.HasSuffix(e.URL, ":587"):
			want = inventory.PeerClients
		case strings.HasSuffix(e.URL, ":717"):
			want = inventory.PeerExchange // the outbound proxy's own port
		}
		if e.Peer != want {
			t.Errorf("%s: peer %q without a role, want %q", e.URL, e.Peer, want)
		}
	}
	if n != 10 {
		t.Errorf("%d SMTP endpoints, want 10", n)
	}
}

func mustLDIF(t *testing.T, scenario string) string {
	t.Helper()
	sc, err := lab.Load(scenario)
	if err != nil {
		t.Fatal(err)
	}
	return sc.Org.LDIF()
}
