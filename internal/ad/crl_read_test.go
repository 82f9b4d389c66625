package ad_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/inventory"
)

// cdpDN is where an enterprise CA publishes a CRL in the contoso.local lab.
func cdpDN(name string) string {
	return "CN=" + name + ",CN=CA01,CN=CDP,CN=Public Key Services,CN=Services," + configNC
}

func randomBytes(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noUnsafeNotes fails on a directory-value-unsafe note: a large CRL is
// ordinary, not unsafe.
func noUnsafeNotes(t *testing.T, org *inventory.Org) {
	t.Helper()
	for _, n := range org.Notes {
		if n.Code == "directory-value-unsafe" {
			t.Errorf("note %q: a large CRL is not unsafe", n.Message)
		}
	}
}

// An enterprise CRL is larger than the 64 KB any other value may hold and
// than the 1 MB an object may hold: read from a DC it is kept whole up to
// its own bound (16 MB), whether it arrives as an ordinary message or as
// one the guard reads as it arrives.
func TestReadLargeCRLsFromLDAP(t *testing.T) {
	entries := append(contosoEntries(t), ad.Entry{DN: "CN=Public Key Services,CN=Services," + configNC,
		Attrs: []ad.Attr{{Name: "objectClass", Values: []string{"top", "container"}}}})
	crls := map[string]string{
		cdpDN("Medium"): randomBytes(t, 300<<10), // passes the guard unchanged
		cdpDN("Large"):  randomBytes(t, 3<<20),   // read by the guard as it arrives
	}
	for dn, v := range crls {
		entries = append(entries, ad.Entry{DN: dn, Attrs: []ad.Attr{
			{Name: "objectClass", Values: []string{"top", "cRLDistributionPoint"}},
			{Name: "certificateRevocationList", Values: []string{v}},
		}})
	}
	d := startDC(t, entries, nil)
	org, _, err := ad.Read(context.Background(), d.opts(), ad.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for dn, v := range crls {
		if got := org.CRLs[strings.ToLower(dn)]; !bytes.Equal(got, []byte(v)) {
			t.Errorf("%s: kept %d bytes, want the CRL's %d", dn, len(got), len(v))
		}
	}
	noUnsafeNotes(t, org)
}

// The same from an ldifde export; a CRL over 16 MB is left unread, without
// a note (the revocation check says no CRL was read there).
func TestReadLargeCRLsFromLDIF(t *testing.T) {
	var in strings.Builder
	fmt.Fprintf(&in, "dn: CN=Contoso,CN=Microsoft Exchange,CN=Services,%s\nobjectClass: msExchOrganizationContainer\n\n", configNC)
	medium, huge := randomBytes(t, 300<<10), randomBytes(t, 17<<20)
	for name, v := range map[string]string{"Medium": medium, "Huge": huge} {
		fmt.Fprintf(&in, "dn: %s\nobjectClass: top\nobjectClass: cRLDistributionPoint\ncertificateRevocationList:: %s\n\n",
			cdpDN(name), base64.StdEncoding.EncodeToString([]byte(v)))
	}
	org, _, err := ad.ReadLDIFOrg(strings.NewReader(in.String()), ad.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := org.CRLs[strings.ToLower(cdpDN("Medium"))]; !bytes.Equal(got, []byte(medium)) {
		t.Errorf("medium CRL: kept %d bytes, want %d", len(got), len(medium))
	}
	if got, ok := org.CRLs[strings.ToLower(cdpDN("Huge"))]; ok {
		t.Errorf("a 17 MB CRL was kept (%d bytes), over its 16 MB bound", len(got))
	}
	noUnsafeNotes(t, org)
}
