package lab

import (
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/inventory"
)

func TestGenerateOrganisation(t *testing.T) {
	sc, err := Generate(GenerateOptions{Servers: 300, Dead: 3})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ad.ReadLDIF(strings.NewReader(sc.Org.LDIF()))
	if err != nil {
		t.Fatal(err)
	}
	org, err := ad.FromEntries(entries, inventory.OriginLDIF, ad.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(org.Servers) != 300 {
		t.Errorf("%d servers read back, want 300", len(org.Servers))
	}
	if want := 300 * 13; len(org.Endpoints) != want { // SCP + 6 vdirs × internal and external
		t.Errorf("%d endpoints, want %d", len(org.Endpoints), want)
	}
	ips := map[string]bool{}
	dead := 0
	for _, s := range sc.Org.Servers {
		if ips[s.IP] {
			t.Fatalf("address %s used twice", s.IP)
		}
		ips[s.IP] = true
		if s.Dead {
			dead++
		}
	}
	if dead != 3 {
		t.Errorf("%d dead servers, want 3", dead)
	}
	if _, err := Generate(GenerateOptions{Servers: 0}); err == nil {
		t.Error("Generate accepted 0 servers")
	}
}
