package ad

import (
	"fmt"
	"strings"
	"testing"
)

// A URL stored with a password in it reaches the inventory masked.
func TestDirectoryURLPasswordMasked(t *testing.T) {
	vdir := "CN=OWA (Default Web Site),CN=HTTP,CN=Protocols,CN=EX01," + genServers
	in := fmt.Sprintf("dn: CN=Contoso,CN=Microsoft Exchange,CN=Services,%s\nobjectClass: msExchOrganizationContainer\n\n"+
		"dn: %s\nobjectClass: msExchVirtualDirectory\nobjectClass: msExchOWAVirtualDirectory\nmsExchInternalHostName: https://svc:Hunter2pw@mail.contoso.com/owa\n", genNC, vdir)
	org, _, err := ReadLDIFOrg(strings.NewReader(in), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(org.Endpoints) != 1 || org.Endpoints[0].URL != "https://svc:xxxxx@mail.contoso.com/owa" {
		t.Errorf("endpoints %+v, want the URL with its password masked", org.Endpoints)
	}
}
