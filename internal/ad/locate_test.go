package ad_test

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/lab"
)

func startDNS(t *testing.T, spec lab.DNSSpec) string {
	t.Helper()
	s, err := lab.StartDNS(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Addr()
}

func TestLocateDCOrder(t *testing.T) {
	records := []string{
		"_ldap._tcp.dc._msdcs.contoso.local. 600 IN SRV 10 50 389 dc03.contoso.local.",
		"_ldap._tcp.dc._msdcs.contoso.local. 600 IN SRV 0 10 389 dc02.contoso.local.",
		"_ldap._tcp.dc._msdcs.contoso.local. 600 IN SRV 0 100 389 dc01.contoso.local.",
		"_ldap._tcp.dc._msdcs.contoso.local. 600 IN SRV 5 0 3268 gc.contoso.local.",
	}
	want := []string{"dc01.contoso.local:389", "dc02.contoso.local:389", "gc.contoso.local:3268", "dc03.contoso.local:389"}
	for _, spec := range []lab.DNSSpec{{Records: records}, {Records: records, TruncateUDP: true}} {
		addr := startDNS(t, spec)
		dead := startDNS(t, lab.DNSSpec{Silent: true})
		// The first server never answers: the next one is asked.
		got, err := ad.LocateDC(context.Background(), "Contoso.Local.", []string{dead, addr}, 200*time.Millisecond)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("truncate=%t: got %q, %v; want %q", spec.TruncateUDP, got, err, want)
		}
	}
}

func TestLocateDCNotFound(t *testing.T) {
	addr := startDNS(t, lab.DNSSpec{Records: []string{"contoso.local. 600 IN A 10.0.0.1"}})
	_, err := ad.LocateDC(context.Background(), "contoso.local", []string{addr}, time.Second)
	wantError(t, err, "_ldap._tcp.dc._msdcs.contoso.local", "--dns-server")
	if !strings.Contains(err.Error(), addr) {
		t.Errorf("error %q does not name the DNS server asked", err)
	}
}

// TestReadLocatesDC: without --ldap-url, Read asks DNS for the DCs and
// moves on from one that refuses connections.
func TestReadLocatesDC(t *testing.T) {
	d := startDC(t, contosoEntries(t), nil)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.dialer["dc00.contoso.local:389"] = closed.Addr().String()
	closed.Close()
	addr := startDNS(t, lab.DNSSpec{Records: []string{
		"_ldap._tcp.dc._msdcs.contoso.local. 600 IN SRV 0 100 389 dc00.contoso.local.",
		"_ldap._tcp.dc._msdcs.contoso.local. 600 IN SRV 10 100 389 dc01.contoso.local.",
	}})
	o := d.opts()
	o.URL, o.Domain, o.DNSServers = "", "contoso.local", []string{addr}
	org, st, err := ad.Read(context.Background(), o, ad.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if st.DC != "dc01.contoso.local:389" || org.Name != "Contoso" {
		t.Errorf("read %q from %s, want Contoso from dc01.contoso.local:389", org.Name, st.DC)
	}

	o.DNSServers = []string{startDNS(t, lab.DNSSpec{Records: []string{
		"_ldap._tcp.dc._msdcs.contoso.local. 600 IN SRV 0 100 389 dc00.contoso.local.",
	}})}
	_, _, err = ad.Read(context.Background(), o, ad.Filter{})
	wantError(t, err, "connect to ldap://dc00.contoso.local:389", "nothing listens there")
}
