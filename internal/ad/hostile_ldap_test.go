package ad_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/inventory"
)

// rawDC is a domain controller that speaks just enough LDAP, BER by hand,
// to misbehave in ways the lab's LDAP server cannot: close a connection
// in the middle of a search, trickle entries, send search result
// references. It serves one Exchange server with one virtual directory.
type rawDC struct {
	ln   net.Listener
	mode string // "referrals", "close" or "slow"
	stop chan struct{}
	wg   sync.WaitGroup
}

func startRawDC(t *testing.T, mode string) *rawDC {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &rawDC{ln: ln, mode: mode, stop: make(chan struct{})}
	d.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d.wg.Go(func() { d.serve(c) })
		}
	})
	t.Cleanup(func() {
		close(d.stop)
		ln.Close()
		d.wg.Wait()
	})
	return d
}

// rawDCEntries answers each of the reader's searches by what its filter asks for.
var rawDCEntries = map[string][]ad.Entry{
	"msExchOrganizationContainer": {{DN: "CN=Hostile,CN=Microsoft Exchange,CN=Services," + hostileNC,
		Attrs: []ad.Attr{attr("objectClass", "top", "container", "msExchOrganizationContainer"), attr("cn", "Hostile")}}},
	"msExchExchangeServer": {{DN: "CN=EX01," + hostileServers, Attrs: []ad.Attr{attr("objectClass", "top", "server", "msExchExchangeServer"),
		attr("cn", "EX01"), attr("networkAddress", "ncacn_ip_tcp:ex01.hostile.test"), attr("msExchCurrentServerRoles", "16439"),
		attr("serialNumber", "Version 15.2 (Build 31748.24)")}},
		{DN: "CN=EX02," + hostileServers, Attrs: []ad.Attr{attr("objectClass", "top", "server", "msExchExchangeServer"), attr("cn", "EX02")}}},
	"msExchVirtualDirectory": {{DN: "CN=owa (Default Web Site),CN=HTTP,CN=Protocols,CN=EX01," + hostileServers,
		Attrs: []ad.Attr{attr("objectClass", "top", "msExchVirtualDirectory", "msExchOWAVirtualDirectory"),
			attr("msExchInternalHostName", "https://ex01.hostile.test/owa")}}},
}

func (d *rawDC) serve(c net.Conn) {
	defer c.Close()
	go func() {
		<-d.stop
		c.Close()
	}()
	for {
		p, err := ber.ReadPacket(c)
		if err != nil || len(p.Children) < 2 {
			return
		}
		id, _ := p.Children[0].Value.(int64)
		op := p.Children[1]
		if op.Tag != ldap.ApplicationSearchRequest {
			if op.Tag == ldap.ApplicationUnbindRequest {
				return
			}
			continue
		}
		base, _ := op.Children[0].Value.(string)
		filter, _ := ldap.DecompileFilter(op.Children[6])
		var entries []ad.Entry
		if base == "" {
			entries = []ad.Entry{{DN: "", Attrs: []ad.Attr{attr("configurationNamingContext", hostileNC)}}}
		}
		for class, es := range rawDCEntries {
			if strings.Contains(filter, "objectClass="+class) && !strings.Contains(filter, "(!(objectClass="+class) {
				entries = append(entries, es...)
			}
		}
		misbehave := strings.Contains(filter, "msExchExchangeServer")
		for i, e := range entries {
			if misbehave && i > 0 && d.mode == "close" {
				return // mid-search: one entry sent, no SearchResultDone
			}
			if misbehave && i > 0 && d.mode == "slow" {
				select { // an entry every 200ms, and the rest never
				case <-d.stop:
					return
				case <-time.After(200 * time.Millisecond):
				}
				for {
					if _, err := c.Write(message(id, entryOp(e))); err != nil {
						return
					}
					select {
					case <-d.stop:
						return
					case <-time.After(200 * time.Millisecond):
					}
				}
			}
			if _, err := c.Write(message(id, entryOp(e))); err != nil {
				return
			}
		}
		if d.mode == "referrals" && base != "" {
			ref := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultReference, nil, "Search Result Reference")
			ref.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString,
				"ldap://dc02.child.hostile.test/CN=Configuration,DC=child,DC=hostile,DC=test", "URI"))
			if _, err := c.Write(message(id, ref)); err != nil {
				return
			}
		}
		done := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultDone, nil, "Search Result Done")
		done.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, int64(ldap.LDAPResultSuccess), "resultCode"))
		done.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "matchedDN"))
		done.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "diagnosticMessage"))
		if _, err := c.Write(message(id, done)); err != nil {
			return
		}
	}
}

func message(id int64, op *ber.Packet) []byte {
	p := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Message")
	p.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "MessageID"))
	p.AppendChild(op)
	return p.Bytes()
}

func entryOp(e ad.Entry) *ber.Packet {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultEntry, nil, "Search Result Entry")
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, e.DN, "DN"))
	attrs := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Attributes")
	for _, a := range e.Attrs {
		seq := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Attribute")
		seq.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, a.Name, "Type"))
		set := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "Values")
		for _, v := range a.Values {
			set.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, v, "Value"))
		}
		seq.AppendChild(set)
		attrs.AppendChild(seq)
	}
	op.AppendChild(attrs)
	return op
}

// readWithin runs ad.Read against d and fails the test if it hangs.
func readWithin(t *testing.T, d *rawDC, timeout time.Duration) (*inventory.Org, error) {
	t.Helper()
	o := ad.ConnectOptions{URL: "ldap://" + d.ln.Addr().String(), NoStartTLS: true, Auth: ad.AuthAnonymous, Timeout: timeout}
	type result struct {
		org *inventory.Org
		err error
	}
	done := make(chan result, 1)
	go func() {
		org, _, err := ad.Read(context.Background(), o, ad.Filter{})
		done <- result{org, err}
	}()
	select {
	case r := <-done:
		return r.org, r.err
	case <-time.After(timeout + 20*time.Second):
		t.Fatalf("ad.Read against a %s DC has not returned %v after its --timeout %v: it hangs", d.mode, 20*time.Second, timeout)
		return nil, nil
	}
}

// Search result references (to another domain's DC) are not followed and
// do not stop discovery.
func TestReadIgnoresReferrals(t *testing.T) {
	org, err := readWithin(t, startRawDC(t, "referrals"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(org.Servers) != 2 || len(org.Endpoints) != 1 || org.Endpoints[0].URL != "https://ex01.hostile.test/owa" {
		t.Errorf("servers %+v, endpoints %+v; want EX01, EX02 and the OWA URL", org.Servers, org.Endpoints)
	}
}

// A DC that drops the connection mid-search gives an error naming the
// search and the cause, not a partial organisation.
func TestReadDCClosesMidSearch(t *testing.T) {
	org, err := readWithin(t, startRawDC(t, "close"), 5*time.Second)
	wantError(t, err, "search the Exchange servers under CN=Microsoft Exchange,CN=Services,"+hostileNC+": unable to read LDAP response packet: EOF", "")
	if org != nil {
		t.Errorf("got an organisation from a search that did not finish: %+v", org)
	}
}

// A DC that trickles entries is cut off at --timeout with a hint to raise it.
func TestReadSlowDC(t *testing.T) {
	_, err := readWithin(t, startRawDC(t, "slow"), time.Second)
	e := wantError(t, err, "search the Exchange servers", "raise --timeout")
	var le *ldap.Error
	if !errors.As(e, &le) || le.ResultCode != ldap.ErrorNetwork {
		t.Errorf("error %v (%T), want go-ldap's network timeout", e.Err, e.Err)
	}
}
