package ad_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/lab"
)

func TestReadClearTextBindRefused(t *testing.T) {
	d := startDC(t, contosoEntries(t), nil)
	for _, auth := range []ad.Auth{ad.AuthSimple, ad.AuthNTLM, ad.AuthNegotiate} {
		o := d.opts()
		o.NoStartTLS, o.Auth = true, auth
		o.PasswordPrompt = func(string) (string, error) { t.Error("asked for a password it must not send"); return "", nil }
		_, _, err := ad.Read(context.Background(), o, ad.Filter{})
		wantError(t, err, "refusing to send a password over an unencrypted connection", "StartTLS")
	}
	if b := d.srv.Binds(); len(b) > 0 {
		t.Errorf("binds reached the server: %q", b)
	}
}

func TestReadStrongAuthRequired(t *testing.T) {
	d := startDC(t, contosoEntries(t), func(s *lab.LDAPSpec) { s.RequireTLSForBind = true })
	o := d.opts()
	o.NoStartTLS, o.AllowInsecureBind = true, true
	_, _, err := ad.Read(context.Background(), o, ad.Filter{})
	e := wantError(t, err, "Transport encryption required", "requires an encrypted connection")
	if !strings.HasPrefix(e.Error(), `bind to dc01.contoso.local:389 as CONTOSO\helpdesk: `) {
		t.Errorf("error %q: want the op first", e.Error())
	}
}

func TestReadInvalidCredentials(t *testing.T) {
	d := startDC(t, contosoEntries(t), nil)
	o := d.opts()
	o.Password = "wrong-" + secret
	_, _, err := ad.Read(context.Background(), o, ad.Filter{})
	e := wantError(t, err, "Invalid Credentials", "the user name or password is wrong")
	if strings.Contains(e.Error(), o.Password) {
		t.Error("the error reveals the password")
	}

	o = d.opts()
	o.Password, o.PasswordPrompt = "", nil
	_, _, err = ad.Read(context.Background(), o, ad.Filter{})
	wantError(t, err, "no password given", "--password-stdin")
}

func TestReadTLSFailures(t *testing.T) {
	d := startDC(t, contosoEntries(t), nil)

	o := d.opts()
	o.Roots = nil
	_, _, err := ad.Read(context.Background(), o, ad.Filter{})
	wantError(t, err, "is not trusted", "--ca-file")

	d.dialer["10.0.0.5:636"] = d.srv.LDAPSAddr()
	o = d.opts()
	o.URL = "ldaps://10.0.0.5"
	_, _, err = ad.Read(context.Background(), o, ad.Filter{})
	wantError(t, err, "certificate is for dc01.contoso.local, DC01, not 10.0.0.5", "ldaps://dc01.contoso.local")

	plain := startDC(t, contosoEntries(t), func(s *lab.LDAPSpec) { s.TLS = nil })
	o = plain.opts()
	_, _, err = ad.Read(context.Background(), o, ad.Filter{})
	wantError(t, err, "start TLS with ldap://dc01.contoso.local:389", "no certificate for LDAP over TLS")
}

func TestReadNetworkFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	silent := ln.Addr().String()
	accepted := make(chan struct{}, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accepts, never answers
			accepted <- struct{}{}
		}
	}()
	defer ln.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	closed.Close()

	o := ad.ConnectOptions{URL: "ldap://" + refused, Auth: ad.AuthAnonymous, Timeout: time.Second}
	_, _, err = ad.Read(context.Background(), o, ad.Filter{})
	wantError(t, err, "connect to ldap://"+refused, "nothing listens there")

	o.URL, o.Timeout = "ldap://"+silent, 300*time.Millisecond
	_, _, err = ad.Read(context.Background(), o, ad.Filter{})
	wantError(t, err, "start TLS with", "no answer in time")
	<-accepted

	// Cancelled once the DC has the connection: the read ends with the
	// cancellation, not with its own (hour-long) timeout.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-accepted
		cancel()
	}()
	o.URL, o.NoStartTLS, o.Timeout = "ldap://"+silent, true, time.Hour
	_, _, err = ad.Read(ctx, o, ad.Filter{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read: %v, want the cancellation", err)
	}
}

// bigOrg is contoso plus n more Exchange servers, each with vdirs, POP3
// settings and a receive connector.
func bigOrg(t *testing.T, n int) []ad.Entry {
	entries := contosoEntries(t)
	servers := "CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services," + configNC
	oc := func(v ...string) ad.Attr { return ad.Attr{Name: "objectClass", Values: append([]string{"top"}, v...)} }
	for i := range n {
		name := fmt.Sprintf("BIG%03d", i)
		srv := "CN=" + name + "," + servers
		fqdn := strings.ToLower(name) + ".contoso.local"
		entries = append(entries,
			ad.Entry{DN: srv, Attrs: []ad.Attr{oc("server", "msExchExchangeServer"), {Name: "cn", Values: []string{name}},
				{Name: "serialNumber", Values: []string{"Version 15.2 (Build 31748.24)"}}, {Name: "msExchCurrentServerRoles", Values: []string{"16439"}},
				{Name: "networkAddress", Values: []string{"ncacn_ip_tcp:" + fqdn}}}},
			ad.Entry{DN: "CN=EWS (Default Web Site),CN=HTTP,CN=Protocols," + srv, Attrs: []ad.Attr{oc("msExchVirtualDirectory", "msExchWebServicesVirtualDirectory"),
				{Name: "msExchInternalHostName", Values: []string{"https://" + fqdn + "/EWS/Exchange.asmx"}}}},
			ad.Entry{DN: "CN=owa (Default Web Site),CN=HTTP,CN=Protocols," + srv, Attrs: []ad.Attr{oc("msExchVirtualDirectory", "msExchOWAVirtualDirectory"),
				{Name: "msExchInternalHostName", Values: []string{"https://" + fqdn + "/owa"}}}},
			ad.Entry{DN: "CN=1,CN=POP3,CN=Protocols," + srv, Attrs: []ad.Attr{oc("protocolCfgPOPServer"),
				{Name: "msExchPOPIMAPInternalConnectionSettings", Values: []string{fqdn + ":995:SSL"}}}},
			ad.Entry{DN: "CN=Default " + name + ",CN=SMTP Receive Connectors,CN=Protocols," + srv, Attrs: []ad.Attr{oc("msExchSmtpReceiveConnector"),
				{Name: "msExchSmtpReceiveBindings", Values: []string{"0.0.0.0:2525"}}}},
		)
	}
	return entries
}

func TestReadSearchCountAndPaging(t *testing.T) {
	for _, n := range []int{0, 40} {
		entries := bigOrg(t, n)
		d := startDC(t, entries, func(s *lab.LDAPSpec) { s.MaxPageSize = 7 })
		org, st, err := ad.Read(context.Background(), d.opts(), ad.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Searches != 8 {
			t.Errorf("%d extra servers: %d searches, want 8 whatever the size of the org", n, st.Searches)
		}
		// 44+ servers at 7 per page take 7+ pages for that search alone.
		if n > 0 && st.Pages < st.Searches+2*6 {
			t.Errorf("%d pages for %d searches: paging did not happen", st.Pages, st.Searches)
		}
		if st.Pages != d.srv.Searches() {
			t.Errorf("client counted %d pages, server %d requests", st.Pages, d.srv.Searches())
		}
		if len(org.Servers) != 4+n {
			t.Errorf("%d servers, want %d", len(org.Servers), 4+n)
		}
	}
}

func TestReadStopsRepeatedPagingCookie(t *testing.T) {
	d := startDC(t, contosoEntries(t), func(s *lab.LDAPSpec) { s.RepeatCookie, s.MaxPageSize = true, 2 })
	_, st, err := ad.Read(context.Background(), d.opts(), ad.Filter{})
	wantError(t, err, "cookie repeated", "")
	if st.Pages > 10 {
		t.Errorf("%d pages before stopping", st.Pages)
	}
}

func TestReadNegotiateWithoutTicket(t *testing.T) {
	d := startDC(t, contosoEntries(t), nil)
	t.Setenv("KRB5CCNAME", "FILE:"+t.TempDir()+"/none")
	o := d.opts()
	o.Auth, o.User, o.Password = ad.AuthNegotiate, "", ""
	_, _, err := ad.Read(context.Background(), o, ad.Filter{})
	var e *ad.Error
	if !errors.As(err, &e) || !strings.Contains(e.Hint, "--user") {
		t.Errorf("negotiate without a ticket: %v (hint %q): want a hint to bind with --user", err, e.Hint)
	}
}
