package ad_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
	"github.com/exdiag/exdiag/internal/safetext"
)

// Hostile directory data: whatever an ldifde export or a DC holds, the
// reader returns endpoints (which diag reports as url-invalid when they
// cannot be used) or notes, never a panic or unbounded work. The paging
// guards against a DC that repeats its cookie forever are in
// read_errors_test.go (TestReadStopsRepeatedPagingCookie); a DC that closes
// mid-search, answers slowly or sends referrals is in hostile_ldap_test.go.

const hostileNC = "CN=Configuration,DC=hostile,DC=test"

var hostileServers = "CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Hostile,CN=Microsoft Exchange,CN=Services," + hostileNC

// ldifRecord writes one LDIF record; every value is base64, so control
// characters, leading spaces and colons reach the reader as they are.
func ldifRecord(b *strings.Builder, dn string, attrs ...ad.Attr) {
	fmt.Fprintf(b, "dn:: %s\n", base64.StdEncoding.EncodeToString([]byte(dn)))
	for _, a := range attrs {
		for _, v := range a.Values {
			fmt.Fprintf(b, "%s:: %s\n", a.Name, base64.StdEncoding.EncodeToString([]byte(v)))
		}
	}
	b.WriteString("\n")
}

func attr(name string, values ...string) ad.Attr { return ad.Attr{Name: name, Values: values} }

// hostileLDIF is an organisation with one server, EX01, whose virtual
// directories hold hostile values, plus servers with missing, repeated
// and duplicated attributes, and n plain virtual directories on EX01.
func hostileLDIF(urls []string, n int) string {
	var b strings.Builder
	b.WriteString("version: 1\n\n")
	ldifRecord(&b, "CN=Hostile,CN=Microsoft Exchange,CN=Services,"+hostileNC, attr("objectClass", "top", "container", "msExchOrganizationContainer"))
	server := func(name string, attrs ...ad.Attr) {
		ldifRecord(&b, "CN="+name+","+hostileServers, append([]ad.Attr{attr("objectClass", "top", "server", "msExchExchangeServer")}, attrs...)...)
	}
	vdir := func(server, name, class string, attrs ...ad.Attr) {
		ldifRecord(&b, "CN="+name+",CN=HTTP,CN=Protocols,CN="+server+","+hostileServers,
			append([]ad.Attr{attr("objectClass", "top", "msExchVirtualDirectory", class)}, attrs...)...)
	}
	server("EX01", attr("cn", "EX01"), attr("msExchCurrentServerRoles", "16439"),
		// unexpected multi-valued attributes: the first usable value wins
		attr("serialNumber", "Version 15.2 (Build 31748.24)", "Version 8.3 (Build 30083.6)"),
		attr("networkAddress", "ncalrpc:EX01", "ncacn_ip_tcp:ex01.hostile.test", "ncacn_ip_tcp:other.hostile.test"))
	// duplicate name: a second EX01 elsewhere is not a second server
	ldifRecord(&b, "CN=EX01,CN=Servers,CN=Other Group,CN=Administrative Groups,CN=Hostile,CN=Microsoft Exchange,CN=Services,"+hostileNC,
		attr("objectClass", "top", "server", "msExchExchangeServer"), attr("cn", "EX01"), attr("networkAddress", "ncacn_ip_tcp:dup.hostile.test"))
	// missing attributes: no roles, version or FQDN; a serialNumber that says nothing
	server("EX02")
	server("EX03", attr("serialNumber", "\x1b[31mnot a version"))
	for i, u := range urls {
		vdir("EX01", fmt.Sprintf("owa%02d (Default Web Site)", i), "msExchOWAVirtualDirectory", attr("msExchInternalHostName", u))
	}
	// one vdir with two InternalUrls, one with none, one with no class it knows
	vdir("EX01", "ews (Default Web Site)", "msExchWebServicesVirtualDirectory",
		attr("msExchInternalHostName", "https://ex01.hostile.test/EWS/Exchange.asmx", "https://mail.hostile.test/EWS/Exchange.asmx"))
	vdir("EX01", "ecp (Default Web Site)", "msExchECPVirtualDirectory")
	ldifRecord(&b, "CN=odd,CN=HTTP,CN=Protocols,CN=EX01,"+hostileServers, attr("msExchInternalHostName", "https://odd.hostile.test/"))
	// the same vdir twice (a hand-merged export)
	for range 2 {
		vdir("EX01", "mapi (Default Web Site)", "msExchMapiVirtualDirectory", attr("msExchInternalHostName", "https://mail.hostile.test/mapi"))
	}
	for i := range n {
		vdir("EX01", fmt.Sprintf("vdir%05d (Default Web Site)", i), "msExchOWAVirtualDirectory",
			attr("msExchInternalHostName", fmt.Sprintf("https://ex01.hostile.test/vdir%05d", i)))
	}
	return b.String()
}

func TestHostileDirectoryValues(t *testing.T) {
	huge := "https://mail.hostile.test/" + strings.Repeat("a", 64<<10-len("https://mail.hostile.test/"))
	tests := []struct {
		url  string
		host string // a usable URL: its host
		err  string // an unusable one: words of the url-invalid finding
	}{
		{url: "https://mail hostile.test/owa", err: "contains a space or control character"},
		{url: "https://mail.hostile.test/owa\x1b[31m\x1b]0;pwned\a", err: "contains a space or control character"},
		{url: "https://mail.hostile.test/owa\r\nSet-Cookie: x", err: "contains a space or control character"},
		{url: "https://mail.hostile.test/\x00owa", err: "contains a space or control character"},
		{url: "https://mail.hostile.test/\u0085owa", host: "mail.hostile.test"},               // C1 in the path: diag and report escape it
		{url: "https://admin:S3cret@mail.hostile.test/owa", err: "contains user information"}, // kept as admin:xxxxx@
		{url: "https://[2001:db8::1]/owa", host: "2001:db8::1"},
		{url: "https://[fe80::1%25eth0]/owa", err: `IPv6 zone "eth0" not supported`},
		{url: "https://2001:db8::1/owa", err: "invalid port"},
		{url: "https://bücher.hostile.test/owa", host: "xn--bcher-kva.hostile.test"},
		{url: "https://xn--a.hostile.test/owa", err: "is not a valid DNS name"},
		{url: "https://mail.hostile.test:0/owa", err: `port "0" out of range 1-65535`},
		{url: "https://mail.hostile.test:99999/owa", err: `port "99999" out of range 1-65535`},
		{url: "javascript://alert(1)", err: `unknown scheme "javascript"`},
		{url: huge, err: "65536 bytes long"},
	}
	var urls []string
	for _, tc := range tests {
		urls = append(urls, tc.url)
	}
	tooBig := strings.Repeat("b", 64<<10+1)
	urls = append(urls, tooBig)

	entries, err := ad.ReadLDIF(strings.NewReader(hostileLDIF(urls, 0)))
	if err != nil {
		t.Fatal(err)
	}
	org, err := ad.FromEntries(entries, inventory.OriginLDIF, ad.Filter{})
	if err != nil {
		t.Fatal(err)
	}

	var names []string
	for _, s := range org.Servers {
		names = append(names, s.Name+" "+s.FQDN+" "+s.Version.String())
	}
	wantServers := []string{"EX01 ex01.hostile.test 15.2.1748.24", "EX02  unknown", "EX03  unknown"}
	if !slices.Equal(names, wantServers) {
		t.Errorf("servers %q, want %q (first usable value, duplicate name ignored)", names, wantServers)
	}

	byURL := map[string]int{}
	for _, e := range org.Endpoints {
		byURL[e.URL]++
		if e.Source.Server != "EX01" || e.Source.DN == "" {
			t.Errorf("endpoint %q: source %+v", e.URL, e.Source)
		}
	}
	for _, tc := range tests {
		// A password in a URL is masked as it is read.
		tc.url = safetext.MaskURLPassword(tc.url)
		if byURL[tc.url] != 1 {
			t.Errorf("%.60q: %d endpoints, want 1: a hostile value is reported, not dropped", tc.url, byURL[tc.url])
			continue
		}
		tgt, err := probe.ParseTarget(tc.url)
		switch {
		case tc.err == "" && (err != nil || tgt.Host != tc.host):
			t.Errorf("%.60q: host %q, %v; want host %q", tc.url, tgt.Host, err, tc.host)
		case tc.err != "" && (!errors.Is(err, probe.ErrBadURL) || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%.60q: %v; want an invalid URL error containing %q", tc.url, err, tc.err)
		case err != nil && strings.ContainsAny(err.Error(), "\x00\x1b\r\n\a"):
			t.Errorf("%.60q: the error %q holds raw control characters", tc.url, err)
		}
	}
	if byURL[tooBig] != 0 {
		t.Error("a value over 64 KB became an endpoint")
	}
	if byURL["https://ex01.hostile.test/EWS/Exchange.asmx"] != 1 || byURL["https://mail.hostile.test/EWS/Exchange.asmx"] != 1 {
		t.Error("a multi-valued InternalUrl lost a value")
	}
	if byURL["https://odd.hostile.test/"] != 0 {
		t.Error("an object without a virtual directory class became an endpoint")
	}

	notes := map[string]int{}
	for _, n := range org.Notes {
		notes[n.Code+" "+n.Source.Server]++
		if strings.ContainsAny(n.Message, "\x1b\x00") {
			t.Errorf("note %q holds raw control characters", n.Message)
		}
	}
	for _, want := range []string{"directory-value-unsafe EX01", "server-fqdn-unknown EX02", "server-fqdn-unknown EX03", "server-version-unknown EX03"} {
		if notes[want] != 1 {
			t.Errorf("notes %v: want one %q", notes, want)
		}
	}
}

// 10,000 virtual directories on one server: every URL is read, in one
// pass, with no note and no duplicate.
func TestHostileManyVirtualDirectories(t *testing.T) {
	const n = 10_000
	text := hostileLDIF(nil, n)
	entries, err := ad.ReadLDIF(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n+10 {
		t.Fatalf("%d entries, want %d", len(entries), n+10)
	}
	org, err := ad.FromEntries(entries, inventory.OriginLDIF, ad.Filter{Servers: []string{"ex01"}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	count := 0
	for _, e := range org.Endpoints {
		if strings.HasPrefix(e.URL, "https://ex01.hostile.test/vdir") {
			count++
			seen[e.URL] = true
		}
	}
	if count != n || len(seen) != n {
		t.Errorf("%d endpoints (%d distinct) from %d virtual directories", count, len(seen), n)
	}
	for _, note := range org.Notes {
		if note.Source.Server == "EX01" {
			t.Errorf("unexpected note %s: %s", note.Code, note.Message)
		}
	}
}
