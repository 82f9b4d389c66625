package diag

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// cnConstraint checks the name a client takes from the subject CN (the
// certificate has no SAN) against the dNSName name constraints of every CA
// on the path, as RFC 5280 §6.1 applies them to a dNSName. crypto/x509
// applies name constraints to SANs only, so a CA constrained to
// contoso.com could otherwise issue a CN-only certificate for any name and
// clients that fall back to the CN (Windows) would accept it. OpenSSL and
// BoringSSL check a leaf's CN against DNS constraints when it has no DNS
// SAN (crypto/x509/x509_vfy.c check_name_constraints, calling
// NAME_CONSTRAINTS_check_CN). It returns why the name is forbidden, or ""
// when every constraint allows it.
func cnConstraint(leaf *x509.Certificate, host string, path []*x509.Certificate) string {
	// Every CN counts, not only the one crypto/x509 keeps (the last): a
	// client may take any of them, and OpenSSL checks them all.
	var names []string
	for _, atv := range leaf.Subject.Names {
		if v, ok := atv.Value.(string); ok && atv.Type.Equal(oidCommonName) {
			names = append(names, strings.ToLower(strings.TrimSuffix(v, ".")))
		}
	}
	if strings.HasPrefix(leaf.Subject.CommonName, "*.") {
		// A wildcard CN stands for host too: an excluded subtree under the
		// wildcard's domain must still exclude it.
		names = append(names, host)
	}
	for _, ca := range path[1:] {
		for _, name := range names {
			if len(ca.PermittedDNSDomains) > 0 && !anyDNSConstraint(name, ca.PermittedDNSDomains) {
				return fmt.Sprintf("the CA %s may issue only names in %s, not %s", subjectName(ca), quotedList(ca.PermittedDNSDomains), name)
			}
			if c, ok := firstDNSConstraint(name, ca.ExcludedDNSDomains); ok {
				return fmt.Sprintf("the CA %s may not issue %s (it excludes %s)", subjectName(ca), name, c)
			}
		}
	}
	return ""
}

var oidCommonName = asn1.ObjectIdentifier{2, 5, 4, 3}

func anyDNSConstraint(name string, constraints []string) bool {
	_, ok := firstDNSConstraint(name, constraints)
	return ok
}

func firstDNSConstraint(name string, constraints []string) (string, bool) {
	for _, c := range constraints {
		if dnsWithin(name, c) {
			return c, true
		}
	}
	return "", false
}

// dnsWithin reports whether name is in the subtree of a dNSName constraint:
// the constraint itself and every name below it (RFC 5280 §4.2.1.10); an
// empty constraint holds every name. A leading period, which RFC 5280
// allows only for URIs, is read as OpenSSL and crypto/x509 read it:
// subdomains only.
func dnsWithin(name, constraint string) bool {
	c := strings.ToLower(strings.TrimSuffix(constraint, "."))
	switch {
	case c == "":
		return true
	case strings.HasPrefix(c, "."):
		return strings.HasSuffix(name, c)
	}
	return name == c || strings.HasSuffix(name, "."+c)
}

// constrainedCN reports a CN-only match that the CA's name constraints
// forbid: the certificate does not validly name host at all.
func (j *judge) constrainedCN(eo probe.EndpointObservation, f Finding, leaf *x509.Certificate, why string) {
	f.Code, f.Severity = catalog.NameMismatch, Error
	f.Message = fmt.Sprintf("the certificate served at %s (%s) names %s only in its subject CN, and %s: "+
		"the name is outside what its issuer was allowed to certify (name constraints, RFC 5280). A client that "+
		"applies the constraints to the CN refuses the certificate, Apple platforms and Chrome ignore the CN "+
		"altogether, and a client that accepts it trusts a name the CA had no right to issue. "+
		"Have a CA that may issue %s reissue the certificate with it as a DNS SAN.",
		f.Address, subjectName(leaf), eo.Target.Host, why, eo.Target.Host)
	if eo.Endpoint.Source.Service == inventory.ServiceSMTP {
		// As for any name mismatch on SMTP: senders encrypt whatever
		// certificate is offered (RFC 3207 section 4.1).
		f.Severity = Warning
		f.Message += " " + mailServersCheck
	}
	j.add(f, f.Thumbprint, eo)
}
