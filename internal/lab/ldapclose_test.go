package lab

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// Close ends every connection, whatever it is doing, and waits for the
// server's goroutines; it may run while clients connect and search (run
// it with -race).
func TestLDAPCloseWithBusyConnections(t *testing.T) {
	// 64 entries of 512 KB: more than loopback's socket buffers hold, so a
	// client that does not read blocks the server's writes.
	big := strings.Repeat("v", 512<<10)
	s, roots := testLDAP(t, func(spec *LDAPSpec) {
		spec.AllowAnonymous, spec.NTLM = true, true
		for i := range 64 {
			spec.Entries = append(spec.Entries, LDAPEntry{DN: fmt.Sprintf("CN=Big%02d,%s", i, testConfigNC),
				Attrs: []LDAPAttr{{"objectClass", []string{"top"}}, {"description", []string{big}}}})
		}
	})
	var clients []net.Conn
	dial := func(addr string, b []byte) {
		c := dialRaw(t, addr)
		if len(b) > 0 {
			c.send(b)
		}
		clients = append(clients, c.Conn)
	}
	until := func(done func() bool) {
		for !done() {
			time.Sleep(time.Millisecond)
		}
	}

	bound := dialLab(t, s, roots, true) // idle, bound with NTLM
	if err := bound.NTLMBind("LAB", `LAB\helpdesk`, "pw"); err != nil {
		t.Fatal(err)
	}
	dial(s.Addr(), request(1, rootDSESearch(presentFilter("objectClass")))[:7]) // half a request
	dial(s.LDAPSAddr(), nil)                                                    // no ClientHello
	startTLS := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationExtendedRequest, nil, "extended")
	startTLS.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, oidStartTLS, "requestName"))
	dial(s.Addr(), request(1, startTLS)) // StartTLS, then no ClientHello
	// A search of 32 MB whose answers the client does not read.
	before := s.Searches()
	dial(s.Addr(), request(1, searchOp(testConfigNC, 2, presentFilter("objectClass"))))
	until(func() bool { return s.Searches() > before })

	// Clients that connect and search in a loop until the server is gone.
	var wg sync.WaitGroup
	var rounds atomic.Int64
	for range 4 {
		wg.Go(func() {
			for {
				c, err := ldap.DialURL("ldap://" + s.Addr())
				if err != nil {
					return
				}
				_, _ = c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, nil))
				c.Close()
				rounds.Add(1)
			}
		})
	}
	until(func() bool { return rounds.Load() >= 8 })

	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	wg.Wait() // the loops end once the listener is closed
	s.mu.Lock()
	open := len(s.conns)
	s.mu.Unlock()
	if open != 0 {
		t.Errorf("%d connections still served after Close", open)
	}
	for i, c := range clients {
		// What the server had sent is read, then the connection's end.
		var ne net.Error
		if _, err := io.Copy(io.Discard, c); errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("client %d: the connection is still open after Close", i)
		}
	}
	if _, err := bound.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, nil)); err == nil {
		t.Error("the bound client still searches after Close")
	}
	for _, addr := range []string{s.Addr(), s.LDAPSAddr()} {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after Close", addr)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}
