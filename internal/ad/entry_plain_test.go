package ad

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The fast path must agree with go-ldap's parser wherever it accepts a DN.
func TestParsePlainDNAgreesWithParseDN(t *testing.T) {
	for _, dn := range []string{
		"CN=EWS (Default Web Site),CN=HTTP,CN=Protocols,CN=EX01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=local",
		"cn=a, dc=b",
		"CN=x",
		`CN=a\,b,DC=c`,     // escaped comma: the slow path
		`CN=a+OU=b,DC=c`,   // multi-valued RDN: the slow path
		`CN="quoted",DC=c`, // quotes: the slow path
		"CN=a=b,DC=c",      // '=' in a value: the slow path
		"not a dn",
	} {
		fast, okFast := parsePlainDN(nil, dn)
		if !okFast {
			continue
		}
		slow, okSlow := parseDNSlow(dn)
		if !okSlow || !cmp.Equal(fast, slow, cmp.AllowUnexported(rdn{})) {
			t.Errorf("parsePlainDN(%q) = %v, go-ldap gives %v (%v)", dn, fast, slow, okSlow)
		}
	}
	if _, ok := parsePlainDN(nil, `CN=a\,b,DC=c`); ok {
		t.Error("parsePlainDN accepted an escaped DN")
	}
}
