package ad

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/inventory"
)

// FuzzReadLDIF: any file given to --ldif is read or refused, never a
// panic; what is read is bounded by the input, survives being written out
// and read again unchanged, and an entry whose DN cannot be used is
// reported by FromEntries, never used.
func FuzzReadLDIF(f *testing.F) {
	f.Add([]byte("version: 1\n\ndn: CN=EX01,CN=Servers,CN=AG,CN=Administrative Groups,CN=Org,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=x\nobjectClass: top\nobjectClass: msExchExchangeServer\nserialNumber: Version 15.2 (Build 31748.24)\n\n"))
	f.Add([]byte("dn:: Q049RVgwMSxEQz14\nmsExchInternalHostName:: aHR0cHM6Ly9leDAxLngvb3dhG1szMW0=\n cont\n# comment\n\ndn: CN=a\\,b,DC=x\nchangetype: add\n\n"))
	f.Add([]byte("\xff\xfed\x00n\x00:\x00 \x00C\x00N\x00=\x00x\x00\n\x00"))
	f.Add([]byte("dn:\n\ndn: CN=x\nattr;binary:< file:///etc/passwd\n"))
	f.Add([]byte("dn: CN=x\n" + strings.Repeat(" folded\n", 50) + "a: b\na: c\nA: d\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 16<<10 {
			// Unfolding costs time quadratic in the continuation lines of
			// one value (reported); bigger inputs only slow the fuzzer down.
			return
		}
		entries, err := ReadLDIF(bytes.NewReader(data))
		if err != nil {
			if entries != nil {
				t.Fatalf("error %v with %d entries", err, len(entries))
			}
			return
		}
		if lines := bytes.Count(data, []byte("\n")) + 1; len(entries) > lines {
			t.Fatalf("%d entries from %d lines", len(entries), lines)
		}
		again, err := ReadLDIF(strings.NewReader(writeLDIF(entries)))
		if err != nil || !reflect.DeepEqual(again, entries) {
			t.Fatalf("written out and read again: %v\n got %q\nwant %q", err, again, entries)
		}
		unusable := 0
		for _, e := range entries {
			for _, a := range e.Attrs {
				if a.Name == "" || strings.ContainsAny(a.Name, ": \r\n;") {
					t.Fatalf("entry %q: attribute name %q", e.DN, a.Name)
				}
			}
			if _, ok := parseDN(e.DN); !ok {
				unusable++
			}
		}
		org, err := FromEntries(entries, inventory.OriginLDIF, Filter{})
		if err != nil {
			return
		}
		reported := 0
		for _, n := range org.Notes {
			if n.Code == "directory-value-unsafe" && strings.Contains(n.Message, "unparsable DN") {
				reported++
			}
		}
		// An empty DN ("dn:") is read as an entry (ldifde never writes one);
		// it is one of the unusable DNs reported here.
		if reported != unusable {
			t.Fatalf("%d entries with unusable DNs, %d reported", unusable, reported)
		}
	})
}

// writeLDIF writes entries back as LDIF, every value in base64.
func writeLDIF(entries []Entry) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "dn:: %s\n", base64.StdEncoding.EncodeToString([]byte(e.DN)))
		for _, a := range e.Attrs {
			for _, v := range a.Values {
				fmt.Fprintf(&b, "%s:: %s\n", a.Name, base64.StdEncoding.EncodeToString([]byte(v)))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
