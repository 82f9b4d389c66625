package ad_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/ad"
)

// Directory answers that cost memory or time beyond what exdiag keeps,
// from answerDC (hostile_dc_test.go): a value of 300 MB, page after page
// of large entries, pages without end, objects over their limits.

var hostileOWA = "CN=owa (Default Web Site),CN=HTTP,CN=Protocols,CN=EX01," + hostileServers

// hugeValue answers the search for virtual directories with one whose
// InternalUrl is size bytes long, streamed.
func hugeValue(size int64) func(w *bufio.Writer, id int64, filter string, _ []byte) error {
	return func(w *bufio.Writer, id int64, filter string, _ []byte) error {
		if strings.Contains(filter, "msExchVirtualDirectory") {
			e := ad.Entry{DN: hostileOWA, Attrs: []ad.Attr{attr("objectClass", "top", "msExchVirtualDirectory", "msExchOWAVirtualDirectory"),
				attr("msExchExternalHostName", "https://mail.hostile.test/owa")}}
			if err := writeHugeValue(w, id, e, "msExchInternalHostName", size); err != nil {
				return err
			}
			return writeDone(w, id, nil, "")
		}
		if strings.Contains(filter, "msExchExchangeServer") {
			return writeEntries(w, id, rawDCEntries["msExchExchangeServer"]...)
		}
		return writeEntries(w, id)
	}
}

// A 300 MB attribute value is measured and dropped as it arrives: the
// read allocates a few MB, the value becomes a directory-value-unsafe
// note, and the rest of the entry is read.
func TestReadHugeValue(t *testing.T) {
	const size = 300 << 20
	org, _, allocated, err := readAllocating(t, startAnswerDC(t, hugeValue(size)), 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes allocated to read a %d-byte value", allocated, size)
	if allocated > 32<<20 {
		t.Errorf("%d bytes allocated to read past a %d-byte value", allocated, size)
	}
	want := fmt.Sprintf("msExchInternalHostName value of %d bytes ignored (limit 64 KB)", size)
	var notes []string
	for _, n := range org.Notes {
		if n.Code == "directory-value-unsafe" {
			notes = append(notes, n.Message)
			if n.Source.Server != "EX01" || n.Source.DN != hostileOWA {
				t.Errorf("note source %+v: want EX01's owa", n.Source)
			}
		}
	}
	if len(notes) != 1 || notes[0] != want || len(org.Endpoints) != 1 || org.Endpoints[0].URL != "https://mail.hostile.test/owa" {
		t.Errorf("notes %q, endpoints %+v; want %q and the external URL", notes, org.Endpoints, want)
	}
}

// largePages answers the search for virtual directories with pages of
// 100 entries of 60 KB each, up to pages pages.
func largePages(pages int) func(w *bufio.Writer, id int64, filter string, cookie []byte) error {
	// One entry encoded once; each copy gets its own number in its DN.
	e := ad.Entry{DN: "CN=owa000000 (Default Web Site),CN=HTTP,CN=Protocols,CN=EX01," + hostileServers,
		Attrs: []ad.Attr{attr("objectClass", "msExchVirtualDirectory", "msExchOWAVirtualDirectory"),
			attr("msExchInternalHostName", "https://mail.hostile.test/"+strings.Repeat("p", 60<<10))}}
	template := message(1, entryOp(e))
	idAt, numberAt := bytes.Index(template, []byte{0x02, 0x01, 0x01})+2, bytes.Index(template, []byte("000000"))
	n := 0
	return func(w *bufio.Writer, id int64, filter string, cookie []byte) error {
		if !strings.Contains(filter, "msExchVirtualDirectory") || len(cookie) >= pages {
			return writeEntries(w, id)
		}
		template[idAt] = byte(id)
		for range 100 {
			n++
			copy(template[numberAt:], fmt.Sprintf("%06d", n))
			if _, err := w.Write(template); err != nil {
				return err
			}
		}
		return writeDone(w, id, append(cookie, 'x'), "")
	}
}

// Page after page of 60 KB entries (60 pages, 360 MB): the read keeps at
// most 128 MB of them, then stops with an error that says why.
func TestReadPagesOfLargeEntries(t *testing.T) {
	_, st, err := readWithinDC(t, startAnswerDC(t, largePages(60)), 30*time.Second)
	wantError(t, err, "the DC sent more than 128 MB of Exchange configuration: stopped", "no domain controller answers this way")
	if limit := 128<<20/(60<<10) + 100; st.Entries > limit {
		t.Errorf("%d entries of 60 KB read: over 128 MB and a page", st.Entries)
	}
}

// A DC that answers every page in time and never ends the search is
// stopped by the read's total deadline (10 × --timeout), not after
// maxPages pages.
func TestReadEndlessPages(t *testing.T) {
	d := startAnswerDC(t, func(w *bufio.Writer, id int64, filter string, cookie []byte) error {
		if !strings.Contains(filter, "msExchVirtualDirectory") {
			return writeEntries(w, id)
		}
		time.Sleep(5 * time.Millisecond) // 10,000 pages take 50 s
		e := ad.Entry{DN: hostileOWA, Attrs: []ad.Attr{attr("objectClass", "msExchVirtualDirectory", "msExchOWAVirtualDirectory")}}
		if _, err := w.Write(message(id, entryOp(e))); err != nil {
			return err
		}
		page, _ := strconv.Atoi(string(cookie))
		return writeDone(w, id, strconv.AppendInt(nil, int64(page+1), 10), "")
	})
	// 500 ms per request leaves room for a slow machine (Wine) to answer
	// each page within --timeout, so only the total deadline (5 s) ends it.
	_, st, err := readWithinDC(t, d, 500*time.Millisecond)
	wantError(t, err, "context deadline exceeded", "did not finish within 10 × --timeout")
	if st.Pages >= 10_000 {
		t.Errorf("%d pages: stopped by the page limit, not the deadline", st.Pages)
	}
}

// Values over 64 KB in an answer that passes whole, values beyond 1 MB
// for one object, and attributes not asked for: notes for the first two,
// nothing kept of any. Of twenty values of 60 KB, seventeen fit in 1 MB.
func TestReadObjectLimits(t *testing.T) {
	big := "https://mail.hostile.test/" + strings.Repeat("b", 100<<10)
	many := make([]string, 20)
	for i := range many {
		many[i] = fmt.Sprintf("https://ex01.hostile.test/%02d/%s", i, strings.Repeat("m", 60<<10))
	}
	d := startAnswerDC(t, func(w *bufio.Writer, id int64, filter string, _ []byte) error {
		if !strings.Contains(filter, "msExchVirtualDirectory") {
			return writeEntries(w, id, rawDCEntries["msExchExchangeServer"]...)
		}
		oc := attr("objectClass", "msExchVirtualDirectory", "msExchOWAVirtualDirectory")
		return writeEntries(w, id,
			ad.Entry{DN: hostileOWA, Attrs: []ad.Attr{oc, attr("msExchExternalHostName", big, "https://mail.hostile.test/owa"),
				attr("description", strings.Repeat("d", 200<<10))}},
			ad.Entry{DN: strings.Replace(hostileOWA, "owa", "ecp", 1), Attrs: []ad.Attr{oc, attr("msExchInternalHostName", many...)}})
	})
	org, _, err := readWithinDC(t, d, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	notes := map[string]int{}
	for _, n := range org.Notes {
		if n.Code == "directory-value-unsafe" {
			notes[n.Message]++
		}
	}
	if notes[fmt.Sprintf("msExchExternalHostName value of %d bytes ignored (limit 64 KB)", len(big))] != 1 {
		t.Errorf("notes %v: want the 100 KB value reported once", notes)
	}
	if n := notes[fmt.Sprintf("msExchInternalHostName value of %d bytes ignored: the object holds more than 1 MB", len(many[0]))]; n != 20-17 {
		t.Errorf("notes %v: want the values beyond 1 MB of the object reported", notes)
	}
	if len(org.Endpoints) != 1+17 {
		t.Errorf("%d endpoints: want the external URL and the values within 1 MB", len(org.Endpoints))
	}
}

// A message over the limit that is not an entry ends the read with an
// error that says so.
func TestReadLargeNonEntry(t *testing.T) {
	d := startAnswerDC(t, func(w *bufio.Writer, id int64, filter string, _ []byte) error {
		return writeDone(w, id, nil, strings.Repeat("x", 2<<20))
	})
	_, _, err := readWithinDC(t, d, 10*time.Second)
	e := wantError(t, err, "that is not an entry (limit 1 MB)", "no domain controller answers this way")
	if !strings.Contains(e.Error(), "the DC sent an LDAP message of 2097") {
		t.Errorf("error %q does not give the message's size", e.Error())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Error("the read waited for its deadline")
	}
}
