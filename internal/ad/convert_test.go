package ad

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/inventory"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func readContoso(t *testing.T) []Entry {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "ldif", "contoso.ldif"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := ReadLDIF(f)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// describe renders an inventory as stable text for golden files.
func describe(org *inventory.Org) string {
	var b strings.Builder
	fmt.Fprintf(&b, "org %s (config %s)\n", org.Name, org.ConfigNC)
	for _, s := range org.Servers {
		fmt.Fprintf(&b, "server %s fqdn=%s version=%s product=%s roles=%d site=%s\n", s.Name, s.FQDN, s.Version, s.Version.Product(), s.Roles, s.Site)
	}
	for _, e := range org.Endpoints {
		s := e.Source
		fmt.Fprintf(&b, "endpoint %s | %s | %s | %s | %s | %s", e.URL, s.Service, s.Scope, s.Server, s.Object, s.Attribute)
		if s.Value != "" {
			fmt.Fprintf(&b, " | value=%q", s.Value)
		}
		if len(e.SiteScope) > 0 {
			fmt.Fprintf(&b, " | sites=%s", strings.Join(e.SiteScope, ","))
		}
		if e.Peer != inventory.PeerClients {
			fmt.Fprintf(&b, " | peer=%s", e.Peer)
		}
		b.WriteByte('\n')
	}
	for _, p := range org.Providers {
		fmt.Fprintf(&b, "provider %s certPrincipalName=%q server=%q\n", p.Name, p.CertPrincipalName, p.Server)
	}
	for _, d := range org.AcceptedDomains {
		fmt.Fprintf(&b, "accepted-domain %s default=%t\n", d.Name, d.Default)
	}
	for _, p := range org.PopImap {
		fmt.Fprintf(&b, "popimap %s %s cert=%q\n", p.Server, p.Protocol, p.X509CertificateName)
	}
	for _, r := range org.ReceiveConnectors {
		fmt.Fprintf(&b, "receive-connector %s %q fqdn=%s bindings=%s tls=%q enabled=%t role=%d\n", r.Server, r.Name, r.FQDN, strings.Join(r.Bindings, ","), r.TLSCertificateName, r.Enabled, r.Role)
	}
	for _, n := range org.Notes {
		fmt.Fprintf(&b, "note %s [%s] %s\n", n.Code, n.Source.Server, n.Message)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test ./internal/ad -run %s -update to accept):\n--- got\n%s\n--- want\n%s", name, t.Name(), got, want)
	}
}

func TestFromEntriesContoso(t *testing.T) {
	org, err := FromEntries(readContoso(t), inventory.OriginLDIF, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "contoso.golden", describe(org))
}

const testServers = "CN=Servers,CN=AG,CN=Administrative Groups,CN=Org,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=x"

func serverEntry(name string, attrs ...Attr) Entry {
	return Entry{DN: "CN=" + name + "," + testServers, Attrs: append([]Attr{
		{"objectClass", []string{"top", "server", "msExchExchangeServer"}},
		{"networkAddress", []string{"netbios:" + name, "NCACN_IP_TCP:" + strings.ToLower(name) + ".x"}},
	}, attrs...)}
}

func vdirEntry(server, name, class string, attrs ...Attr) Entry {
	return Entry{DN: "CN=" + name + ",CN=HTTP,CN=Protocols,CN=" + server + "," + testServers, Attrs: append([]Attr{
		{"objectClass", []string{"top", "msExchVirtualDirectory", class}},
	}, attrs...)}
}

func TestServerVersions(t *testing.T) {
	for _, tc := range []struct{ serial, version, product string }{
		{"Version 8.3 (Build 30083.6)", "8.3.83.6", "2007"},
		{"Version 14.3 (Build 30123.4)", "14.3.123.4", "2010"},
		{"Version 15.0 (Build 31497.2)", "15.0.1497.2", "2013"},
		{"Version 15.1 (Build 32507.006)", "15.1.2507.6", "2016"},
		{"Version 15.2 (Build 31118.007)", "15.2.1118.7", "2019"},
		{"Version 15.2 (Build 32562.17)", "15.2.2562.17", "SE"},
		{"version 15.2 (build 32562.17) (Build 2562.17: SU)", "15.2.2562.17", "SE"},
		{"garbage", "unknown", ""},
	} {
		org, err := FromEntries([]Entry{serverEntry("EX1", Attr{"SERIALNUMBER", []string{tc.serial}})}, "ldif", Filter{})
		if err != nil {
			t.Fatal(err)
		}
		v := org.Servers[0].Version
		if v.String() != tc.version || v.Product() != tc.product {
			t.Errorf("%q: %s (%s), want %s (%s)", tc.serial, v, v.Product(), tc.version, tc.product)
		}
	}
}

func TestFromEntriesRules(t *testing.T) {
	big := strings.Repeat("a", maxValueBytes+1)
	entries := []Entry{
		serverEntry("EX1", Attr{"msExchCurrentServerRoles", []string{"4"}}, Attr{"msExchServerSite", []string{`CN=Site\, One,CN=Sites,CN=Configuration,DC=x`}}),
		serverEntry("EX2", Attr{"msExchCurrentServerRoles", []string{"4"}}),
		// a 2013+ transport object matches the class but is no server
		{DN: "CN=Frontend,CN=Transport Configuration,CN=EX1," + testServers, Attrs: []Attr{{"objectClass", []string{"msExchExchangeServer", "msExchExchangeTransportServer"}}}},
		vdirEntry("ex1", "owa (Exchange Back End)", "msExchOWAVirtualDirectory", Attr{"msExchInternalHostName", []string{"https://ex1.x:444/owa"}}),
		vdirEntry("EX1", "owa (Default Web Site)", "msExchOWAVirtualDirectory",
			Attr{"msexchinternalhostname", []string{"https://ex1.x/owa\r\nInjected: yes"}}, Attr{"msExchExternalHostName", []string{big}}),
		vdirEntry("EX1", "Rpc (Default Web Site)", "msExchRpcHttpVirtualDirectory", Attr{"msExchExternalHostName", []string{"mail.x"}}),
		vdirEntry("EX1", "Rest (Default Web Site)", "msExchRestVirtualDirectory", Attr{"msExchInternalHostName", []string{"https://ex1.x/rest"}}),
	}
	org, err := FromEntries(entries, "ldap", Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(org.Servers) != 2 || org.Servers[0].FQDN != "ex1.x" || org.Servers[0].Site != "Site, One" {
		t.Errorf("servers %+v", org.Servers)
	}
	var urls []string
	for _, e := range org.Endpoints {
		urls = append(urls, e.URL)
	}
	want := []string{"https://ex1.x/owa\r\nInjected: yes", "https://mail.x/rpc"}
	if !reflect.DeepEqual(urls, want) {
		t.Errorf("endpoints %q, want %q (back end and unknown classes skipped, control characters kept for diag)", urls, want)
	}
	var codes []string
	for _, n := range org.Notes {
		codes = append(codes, n.Code+" "+n.Source.Server)
	}
	wantCodes := []string{"directory-value-unsafe EX1", "ldap-unreadable EX2", "ldap-unreadable "}
	if !reflect.DeepEqual(codes, wantCodes) {
		t.Errorf("notes %q, want %q", codes, wantCodes)
	}

	org, err = FromEntries(entries, "ldap", Filter{Servers: []string{"ex2"}})
	if err != nil || len(org.Servers) != 1 || len(org.Endpoints) != 0 || len(org.Notes) != 2 {
		t.Errorf("filter EX2: %v %+v", err, org)
	}
	if _, err := FromEntries(entries[3:], "ldap", Filter{Servers: []string{"EX3"}}); err == nil || !strings.Contains(err.Error(), `"EX3"`) {
		t.Errorf("unknown server: %v", err)
	}
	if _, err := FromEntries([]Entry{{DN: "CN=Users,DC=x"}}, "ldif", Filter{}); err == nil || !strings.Contains(err.Error(), "no Exchange organization") {
		t.Errorf("no org: %v", err)
	}
}

func TestParseConnectionSetting(t *testing.T) {
	for _, tc := range []struct {
		in, host, port, enc string
		ok                  bool
	}{
		{"mail.contoso.com:995:SSL", "mail.contoso.com", "995", "SSL", true},
		{"mail.contoso.com:143:tls", "mail.contoso.com", "143", "TLS", true},
		{"mail.contoso.com:110", "mail.contoso.com", "110", "", true},
		{"[2001:db8::1]:993:SSL", "2001:db8::1", "993", "SSL", true},
		{"mail.contoso.com", "mail.contoso.com", "", "", true},
		{"mail.contoso.com:x:SSL", "", "", "", false},
		{":995:SSL", "", "995", "SSL", false},
	} {
		h, p, e, ok := parseConnectionSetting(tc.in)
		if ok != tc.ok || ok && (h != tc.host || p != tc.port || e != tc.enc) {
			t.Errorf("%q: %q %q %q %t", tc.in, h, p, e, ok)
		}
	}
}

// TestReadAttrsSuffice: the conversion reads nothing but the attributes
// the searches ask for (attrs.go) of the classes listed there: keeping
// only those gives the same organisation.
func TestReadAttrsSuffice(t *testing.T) {
	entries := readContoso(t)
	want, err := FromEntries(entries, inventory.OriginLDIF, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var kept []Entry
	for _, e := range entries {
		if !isRead(&e) {
			continue
		}
		k := Entry{DN: e.DN}
		for _, a := range e.Attrs {
			if readAttrs[strings.ToLower(a.Name)] {
				k.Attrs = append(k.Attrs, a)
			}
		}
		kept = append(kept, k)
	}
	if len(kept) == len(entries) {
		t.Fatal("every entry of contoso.ldif is read: the test shows nothing")
	}
	got, err := FromEntries(kept, inventory.OriginLDIF, Filter{})
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("with only the attributes read: %v\n got %+v\nwant %+v", err, got, want)
	}
}
