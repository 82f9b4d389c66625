package probe

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestParseResolve(t *testing.T) {
	tests := []struct {
		in        string
		host      string
		port      int
		addrs     []string
		wantError string
	}{
		{in: "mail.contoso.com:443:192.0.2.10", host: "mail.contoso.com", port: 443, addrs: []string{"192.0.2.10"}},
		{in: "Mail.Contoso.com.:443:192.0.2.10,192.0.2.11", host: "mail.contoso.com", port: 443, addrs: []string{"192.0.2.10", "192.0.2.11"}},
		{in: "*:993:127.0.0.1", host: "*", port: 993, addrs: []string{"127.0.0.1"}},
		{in: "mail.contoso.com:443:[2001:db8::1]", host: "mail.contoso.com", port: 443, addrs: []string{"2001:db8::1"}},
		{in: "mail.contoso.com:443:2001:db8::1,[::1]", host: "mail.contoso.com", port: 443, addrs: []string{"2001:db8::1", "::1"}},
		{in: "[2001:db8::5]:443:127.0.0.1", host: "2001:db8::5", port: 443, addrs: []string{"127.0.0.1"}},
		{in: "+mail.contoso.com:25:127.0.0.1", host: "mail.contoso.com", port: 25, addrs: []string{"127.0.0.1"}},
		{in: "mail.contoso.com:443", wantError: `--resolve "mail.contoso.com:443": want HOST:PORT:ADDR[,ADDR]...`},
		{in: ":443:127.0.0.1", wantError: "want HOST:PORT:ADDR"},
		{in: "mail.contoso.com:443:", wantError: "want HOST:PORT:ADDR"},
		{in: "mail.contoso.com:https:127.0.0.1", wantError: `port "https" is not a number from 1 to 65535`},
		{in: "mail.contoso.com:0:127.0.0.1", wantError: `port "0"`},
		{in: "mail.contoso.com::127.0.0.1", wantError: `port ""`},
		{in: "mail.contoso.com:443:mail2.contoso.com", wantError: `"mail2.contoso.com" is not an IP address`},
		{in: "mail.contoso.com:443:127.0.0.1,", wantError: `"" is not an IP address`},
		{in: "[mail]:443:127.0.0.1", wantError: `"[mail]" is not an IPv6 address`},
	}
	for _, tc := range tests {
		p, err := ParseResolve(tc.in)
		if tc.wantError != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantError) {
				t.Errorf("ParseResolve(%q) error = %v, want %q", tc.in, err, tc.wantError)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseResolve(%q): %v", tc.in, err)
			continue
		}
		var addrs []string
		for _, a := range p.Addrs {
			addrs = append(addrs, a.String())
		}
		if p.ConnectTo || p.Host != tc.host || p.Port != tc.port || !slices.Equal(addrs, tc.addrs) || p.Kind() != "resolve" {
			t.Errorf("ParseResolve(%q) = %+v, want host %q port %d addrs %v", tc.in, p, tc.host, tc.port, tc.addrs)
		}
		if again, err := ParseResolve(p.String()); err != nil || again.String() != p.String() {
			t.Errorf("ParseResolve(%q).String() = %q does not parse back: %v", tc.in, p.String(), err)
		}
	}
}

func TestParseConnectTo(t *testing.T) {
	tests := []struct {
		in        string
		want      Pin
		wantError string
	}{
		{in: "mail.contoso.com:443:127.0.0.1:8443",
			want: Pin{ConnectTo: true, Host: "mail.contoso.com", Port: 443, ConnectHost: "127.0.0.1", ConnectPort: 8443}},
		{in: "::127.0.0.1:", want: Pin{ConnectTo: true, ConnectHost: "127.0.0.1"}},
		{in: ":443::8443", want: Pin{ConnectTo: true, Port: 443, ConnectPort: 8443}},
		{in: "mail.contoso.com::backend.contoso.com:", want: Pin{ConnectTo: true, Host: "mail.contoso.com", ConnectHost: "backend.contoso.com"}},
		{in: "mail.contoso.com:443:[::1]:8443", want: Pin{ConnectTo: true, Host: "mail.contoso.com", Port: 443, ConnectHost: "::1", ConnectPort: 8443}},
		{in: "[2001:db8::1]:443:[::1]:", want: Pin{ConnectTo: true, Host: "2001:db8::1", Port: 443, ConnectHost: "::1"}},
		{in: "mail.contoso.com:443:127.0.0.1", wantError: `--connect-to "mail.contoso.com:443:127.0.0.1": want HOST:PORT:CONNECT_HOST:CONNECT_PORT`},
		{in: "mail.contoso.com:443:::1:8443", wantError: "IPv6 addresses in brackets"},
		{in: "mail.contoso.com:70000:127.0.0.1:1", wantError: `port "70000" is not a number from 1 to 65535`},
		{in: "mail.contoso.com:443:127.0.0.1:x", wantError: `port "x"`},
		{in: "mail.contoso.com:443:*:443", wantError: `connect host "*"`},
	}
	for _, tc := range tests {
		p, err := ParseConnectTo(tc.in)
		if tc.wantError != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantError) {
				t.Errorf("ParseConnectTo(%q) error = %v, want %q", tc.in, err, tc.wantError)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseConnectTo(%q): %v", tc.in, err)
			continue
		}
		if p.Host != tc.want.Host || p.Port != tc.want.Port || p.ConnectHost != tc.want.ConnectHost ||
			p.ConnectPort != tc.want.ConnectPort || !p.ConnectTo || p.Kind() != "connect-to" {
			t.Errorf("ParseConnectTo(%q) = %+v, want %+v", tc.in, p, tc.want)
		}
		if again, err := ParseConnectTo(p.String()); err != nil || again.String() != p.String() {
			t.Errorf("ParseConnectTo(%q).String() = %q does not parse back: %v", tc.in, p.String(), err)
		}
	}
}

func TestPinMatches(t *testing.T) {
	anyHost := mustConnectTo(t, "::127.0.0.1:8443")
	https := mustConnectTo(t, ":443:127.0.0.1:8443")
	star := mustResolve(t, "*:443:127.0.0.1")
	one := mustResolve(t, "mail.contoso.com:443:127.0.0.1")
	tests := []struct {
		pin  Pin
		host string
		port int
		want bool
	}{
		{anyHost, "mail.contoso.com", 25, true},
		{https, "mail.contoso.com", 443, true},
		{https, "mail.contoso.com", 993, false},
		{star, "autodiscover.contoso.com", 443, true},
		{star, "autodiscover.contoso.com", 444, false},
		{one, "mail.contoso.com", 443, true},
		{one, "mail2.contoso.com", 443, false},
	}
	for _, tc := range tests {
		if got := tc.pin.matches(tc.host, tc.port); got != tc.want {
			t.Errorf("%s matches %s:%d = %v, want %v", tc.pin, tc.host, tc.port, got, tc.want)
		}
	}
	if got := one.Addrs[0]; got != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("addr = %v", got)
	}
}
