package ad_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/inventory"
)

// answerDC is a domain controller that answers the reader's searches
// with what a test writes: huge values, endless pages. It serves the
// RootDSE and the organisation; answer gets every other search, and
// writes its entries and its SearchResultDone (none, to stay silent).
type answerDC struct {
	ln     net.Listener
	answer func(w *bufio.Writer, id int64, filter string, cookie []byte) error
	stop   chan struct{}
	wg     sync.WaitGroup
}

func startAnswerDC(t *testing.T, answer func(w *bufio.Writer, id int64, filter string, cookie []byte) error) *answerDC {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &answerDC{ln: ln, answer: answer, stop: make(chan struct{})}
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

func (d *answerDC) serve(c net.Conn) {
	defer c.Close()
	go func() {
		<-d.stop
		c.Close()
	}()
	w := bufio.NewWriterSize(c, 64<<10)
	for {
		p, err := ber.ReadPacket(c)
		if err != nil || len(p.Children) < 2 {
			return
		}
		id, _ := p.Children[0].Value.(int64)
		op := p.Children[1]
		if op.Tag != ldap.ApplicationSearchRequest {
			return
		}
		base, _ := op.Children[0].Value.(string)
		filter, _ := ldap.DecompileFilter(op.Children[6])
		var cookie []byte
		if len(p.Children) > 2 {
			for _, c := range p.Children[2].Children {
				if pc, ok := decodeControl(c).(*ldap.ControlPaging); ok {
					cookie = pc.Cookie
				}
			}
		}
		switch {
		case base == "":
			err = writeEntries(w, id, ad.Entry{Attrs: []ad.Attr{attr("configurationNamingContext", hostileNC)}})
		case strings.Contains(filter, "msExchOrganizationContainer"):
			err = writeEntries(w, id, rawDCEntries["msExchOrganizationContainer"]...)
		default:
			err = d.answer(w, id, filter, cookie)
		}
		if err != nil || w.Flush() != nil {
			return
		}
	}
}

func decodeControl(p *ber.Packet) ldap.Control {
	c, _ := ldap.DecodeControl(p)
	return c
}

// writeEntries writes entries and a successful SearchResultDone.
func writeEntries(w io.Writer, id int64, entries ...ad.Entry) error {
	for _, e := range entries {
		if _, err := w.Write(message(id, entryOp(e))); err != nil {
			return err
		}
	}
	return writeDone(w, id, nil, "")
}

// writeDone ends a search, with a paging cookie when there is one.
func writeDone(w io.Writer, id int64, cookie []byte, diagnostic string) error {
	done := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultDone, nil, "Search Result Done")
	done.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, int64(ldap.LDAPResultSuccess), "resultCode"))
	done.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "", "matchedDN"))
	done.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, diagnostic, "diagnosticMessage"))
	p := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Message")
	p.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "MessageID"))
	p.AppendChild(done)
	if cookie != nil {
		controls := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "Controls")
		paging := ldap.NewControlPaging(1000)
		paging.SetCookie(cookie)
		controls.AppendChild(paging.Encode())
		p.AppendChild(controls)
	}
	_, err := w.Write(p.Bytes())
	return err
}

// berHeader is a BER tag and definite length.
func berHeader(tag byte, n int64) []byte {
	if n < 0x80 {
		return []byte{tag, byte(n)}
	}
	var l []byte
	for ; n > 0; n >>= 8 {
		l = append([]byte{byte(n)}, l...)
	}
	return append([]byte{tag, 0x80 | byte(len(l))}, l...)
}

// writeHugeValue writes an entry whose attribute name has one value of
// size bytes, streamed: the server never holds it.
func writeHugeValue(w io.Writer, id int64, e ad.Entry, name string, size int64) error {
	var small []byte
	for _, a := range e.Attrs {
		small = append(small, entryOp(ad.Entry{Attrs: []ad.Attr{a}}).Children[1].Children[0].Bytes()...)
	}
	valueHdr := berHeader(0x04, size)
	setHdr := berHeader(0x31, int64(len(valueHdr))+size)
	typ := ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, name, "").Bytes()
	attrLen := int64(len(typ)+len(setHdr)+len(valueHdr)) + size
	attrHdr := berHeader(0x30, attrLen)
	attrsLen := int64(len(small)+len(attrHdr)) + attrLen
	attrsHdr := berHeader(0x30, attrsLen)
	dn := ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, e.DN, "").Bytes()
	opLen := int64(len(dn)+len(attrsHdr)) + attrsLen
	opHdr := berHeader(0x64, opLen)
	mid := ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "").Bytes()
	msgHdr := berHeader(0x30, int64(len(mid)+len(opHdr))+opLen)
	for _, b := range [][]byte{msgHdr, mid, opHdr, dn, attrsHdr, small, attrHdr, typ, setHdr, valueHdr} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	chunk := []byte(strings.Repeat("a", 64<<10))
	for left := size; left > 0; left -= int64(len(chunk)) {
		if _, err := w.Write(chunk[:min(left, int64(len(chunk)))]); err != nil {
			return err
		}
	}
	return nil
}

// readAllocating runs ad.Read against d and returns what it allocated.
func readAllocating(t *testing.T, d *answerDC, timeout time.Duration) (*inventory.Org, ad.Stats, uint64, error) {
	t.Helper()
	o := ad.ConnectOptions{URL: "ldap://" + d.ln.Addr().String(), NoStartTLS: true, Auth: ad.AuthAnonymous, Timeout: timeout}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	org, st, err := ad.Read(context.Background(), o, ad.Filter{})
	runtime.ReadMemStats(&after)
	return org, st, after.TotalAlloc - before.TotalAlloc, err
}

// readWithinDC runs ad.Read against d and fails the test if it hangs.
func readWithinDC(t *testing.T, d *answerDC, timeout time.Duration) (*inventory.Org, ad.Stats, error) {
	t.Helper()
	o := ad.ConnectOptions{URL: "ldap://" + d.ln.Addr().String(), NoStartTLS: true, Auth: ad.AuthAnonymous, Timeout: timeout}
	type result struct {
		org *inventory.Org
		st  ad.Stats
		err error
	}
	done := make(chan result, 1)
	go func() {
		org, st, err := ad.Read(context.Background(), o, ad.Filter{})
		done <- result{org, st, err}
	}()
	select {
	case r := <-done:
		return r.org, r.st, r.err
	case <-time.After(12*timeout + 20*time.Second):
		t.Fatalf("ad.Read has not returned %v after its total deadline: it hangs", 20*time.Second)
		return nil, ad.Stats{}, nil
	}
}
