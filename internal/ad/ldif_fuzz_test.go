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
// reported by FromEntries, never used. The streaming reader exdiag uses,
// ReadLDIFOrg, gives the same organisation as FromEntries over every
// entry, whenever that reads one.
func FuzzReadLDIF(f *testing.F) {
	f.Add([]byte("version: 1\n\ndn: CN=EX01,CN=Servers,CN=AG,CN=Administrative Groups,CN=Org,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=x\nobjectClass: top\nobjectClass: msExchExchangeServer\nserialNumber: Version 15.2 (Build 31748.24)\n\n"))
	f.Add([]byte("dn:: Q049RVgwMSxEQz14\nmsExchInternalHostName:: aHR0cHM6Ly9leDAxLngvb3dhG1szMW0=\n cont\n# comment\n\ndn: CN=a\\,b,DC=x\nchangetype: add\n\n"))
	f.Add([]byte("\xff\xfed\x00n\x00:\x00 \x00C\x00N\x00=\x00x\x00\n\x00"))
	f.Add([]byte("dn:\n\ndn: CN=x\nattr;binary:< file:///etc/passwd\n"))
	f.Add([]byte("dn: CN=x\n" + strings.Repeat(" folded\n", 50) + "a: b\na: c\nA: d\n"))
	// Objects exdiag does not read, under CN=Microsoft Exchange and
	// before the organisation in DN order; an SCP without the keywords;
	// folds inside names, after the colon and around a CR.
	f.Add([]byte("dn: CN=AG,CN=Administrative Groups,cn=org,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=x\nobjectClass: msExchAdminGroup\n\n" +
		"dn: CN=Org,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=x\nobjectClass: msExchOrganizationContainer\n\n" +
		"dn: CN=a,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=x\nobjectClass: serviceConnectionPoint\nkeywords: other\n\n" +
		"dn: CN=EWS,CN=HTTP,CN=Protocols,CN=EX1,CN=Servers,CN=AG,CN=Administrative Groups,CN=Org,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=x\r\n" +
		"objectCl\r\n ass: msExchVirtualDirectory\r\nobjectClass:\r\n  msExchWebServicesVirtualDirectory\r\nmsExchInternalHostName:: aHR0c\r\n HM6Ly9leDEueC9FV1M=\r\n" +
		"msExchExternalHostName: https://a\r\r\n b/\rc\r\n"))
	f.Add(toUTF16LE("version: 1\n\ndn: CN=Org,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=x\nobjectClass: msExchOrganizationContainer\ncn: \U0001F600 \xed\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxValueBytes {
			// Smaller than one value may be, so that both readers keep
			// every value they read.
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
			t.Fatalf("written out and read again: %v\n got %+v\nwant %+v", err, again, entries)
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
		streamed, st, serr := ReadLDIFOrg(bytes.NewReader(data), Filter{})
		if (err == nil) != (serr == nil) || err == nil && !reflect.DeepEqual(streamed, org) || st.Entries != len(entries) {
			t.Fatalf("ReadLDIFOrg: %v, %d entries\n%+v\nFromEntries(ReadLDIF): %v, %d entries\n%+v", serr, st.Entries, streamed, err, len(entries), org)
		}
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
