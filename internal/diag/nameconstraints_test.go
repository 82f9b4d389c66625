package diag

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
)

// cnOnly is a leaf without a subjectAltName extension, named by its CNs.
func cnOnly(t *testing.T, parent *minted, cns ...string) *minted {
	m := mint(t, cns[0], &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, parent)
	if len(cns) == 1 {
		return m
	}
	// Several CN attributes: crypto/x509 keeps the last in CommonName.
	var names []pkix.AttributeTypeAndValue
	for _, cn := range cns {
		names = append(names, pkix.AttributeTypeAndValue{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: cn})
	}
	return mint(t, "", &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		Subject: pkix.Name{ExtraNames: names}}, parent)
}

func TestCNOnlyNameWithinTheCAsNameConstraints(t *testing.T) {
	root := ca(t, "Contoso Root", nil)
	branch := mint(t, "Contoso Branch CA", &x509.Certificate{IsCA: true,
		PermittedDNSDomains: []string{"branch.contoso.com"}, ExcludedDNSDomains: []string{"secret.branch.contoso.com"}}, root)
	dotted := mint(t, "Dotted CA", &x509.Certificate{IsCA: true, PermittedDNSDomains: []string{".contoso.com"}}, root)
	tests := []struct {
		name   string
		issuer *minted
		cns    []string
		host   string
		want   string // "" = cn-only-match only; else a phrase of the name-mismatch
	}{
		{"permitted", branch, []string{"mail.branch.contoso.com"}, "mail.branch.contoso.com", ""},
		{"the constraint itself", branch, []string{"branch.contoso.com"}, "branch.contoso.com", ""},
		{"outside the permitted subtree", branch, []string{"mail.fabrikam.com"}, "mail.fabrikam.com",
			"the CA CN=Contoso Branch CA may issue only names in branch.contoso.com, not mail.fabrikam.com"},
		{"a suffix that is not a subdomain", branch, []string{"evilbranch.contoso.com"}, "evilbranch.contoso.com", "may issue only names in"},
		{"excluded", branch, []string{"secret.branch.contoso.com"}, "secret.branch.contoso.com",
			"may not issue secret.branch.contoso.com (it excludes secret.branch.contoso.com)"},
		{"wildcard CN over an excluded name", branch, []string{"*.branch.contoso.com"}, "secret.branch.contoso.com", "may not issue secret.branch.contoso.com"},
		{"wildcard CN over a permitted name", branch, []string{"*.branch.contoso.com"}, "mail.branch.contoso.com", ""},
		{"upper case", branch, []string{"MAIL.Branch.Contoso.COM"}, "mail.branch.contoso.com", ""},
		{"another CN outside", branch, []string{"mail.fabrikam.com", "mail.branch.contoso.com"}, "mail.branch.contoso.com", "not mail.fabrikam.com"},
		{"leading period: subdomains", dotted, []string{"mail.contoso.com"}, "mail.contoso.com", ""},
		{"leading period: not the domain itself", dotted, []string{"contoso.com"}, "contoso.com", "may issue only names in .contoso.com"},
		{"no constraints", root, []string{"mail.fabrikam.com"}, "mail.fabrikam.com", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			leaf := cnOnly(t, tc.issuer, tc.cns...)
			path := []*minted{leaf, tc.issuer}
			if tc.issuer != root {
				path = append(path, root)
			}
			rep := judgeOne(t, "https://"+tc.host+"/", verifiedBy([]*minted{leaf, tc.issuer}, path))
			nm, mismatch := findingOf(rep, catalog.NameMismatch)
			cn, cnMatch := findingOf(rep, catalog.CNOnlyMatch)
			switch {
			case tc.want == "" && (mismatch || !cnMatch):
				t.Errorf("want cn-only-match alone, got %q: %s", codes(rep), nm.Message)
			case tc.want == "":
				if cn.Severity != Error || !strings.Contains(cn.Message, "iPhone") {
					t.Errorf("cn-only-match %s: %s", cn.Severity, cn.Message)
				}
			case !mismatch || cnMatch:
				t.Errorf("want name-mismatch alone, got %q", codes(rep))
			case nm.Severity != Error || !strings.Contains(nm.Message, tc.want) || !strings.Contains(nm.Message, "only in its subject CN"):
				t.Errorf("name-mismatch %s: %s; want %q", nm.Severity, nm.Message, tc.want)
			}
		})
	}
}

func TestCNOnlyConstraintOnSMTPIsAWarning(t *testing.T) {
	root := ca(t, "Contoso Root", nil)
	branch := mint(t, "Contoso Branch CA", &x509.Certificate{IsCA: true, PermittedDNSDomains: []string{"branch.contoso.com"}}, root)
	leaf := cnOnly(t, branch, "smtp.fabrikam.com")
	b := newObs(t).url("smtp://smtp.fabrikam.com", verifiedBy([]*minted{leaf, branch}, []*minted{leaf, branch, root}))
	b.obs.Endpoints[0].Endpoint.Source.Service = inventory.ServiceSMTP
	rep := Judge(Input{Obs: b.obs, Now: t0, WarnDays: 30})
	f, ok := findingOf(rep, catalog.NameMismatch)
	if !ok || f.Severity != Warning || !strings.Contains(f.Message, mailServersCheck) {
		t.Fatalf("want a name-mismatch warning for SMTP, got %q", codes(rep))
	}
}

func TestDNSWithin(t *testing.T) {
	for _, tc := range []struct {
		name, constraint string
		want             bool
	}{
		{"contoso.com", "contoso.com", true},
		{"a.b.contoso.com", "contoso.com", true},
		{"evilcontoso.com", "contoso.com", false},
		{"contoso.com", ".contoso.com", false},
		{"a.contoso.com", ".contoso.com", true},
		{"anything.example", "", true},
		{"mail.contoso.com", "Contoso.COM.", true},
		{"contoso.com", "mail.contoso.com", false},
	} {
		if got := dnsWithin(tc.name, tc.constraint); got != tc.want {
			t.Errorf("dnsWithin(%q, %q) = %v, want %v", tc.name, tc.constraint, got, tc.want)
		}
	}
}
