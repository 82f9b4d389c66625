package probe

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"slices"
)

var (
	oidNameConstraints = asn1.ObjectIdentifier{2, 5, 29, 30}
	oidSubjectAltName  = asn1.ObjectIdentifier{2, 5, 29, 17}
)

// otherName is the GeneralName form [0] (RFC 5280 §4.2.1.6): Windows puts
// the user principal name (UPN) there.
const otherNameTag = 0

// withoutOtherNameConstraints returns the intermediates of a served chain
// with one crypto/x509 limitation lifted: it cannot evaluate otherName name
// constraints, and so treats a critical name constraints extension holding
// one as an unknown critical extension and refuses the chain. AD CS
// qualified subordination constrains issuing CAs by UPN, which is an
// otherName (Microsoft, "Understanding Constraints"), and Windows evaluates
// those constraints. RFC 5280 §4.2.1.10 applies a constraint only to names
// of its form, so when no certificate of the chain carries an otherName the
// constraint is moot and the chain is judged on the rest. ok is false when
// nothing was lifted.
func withoutOtherNameConstraints(chain []*x509.Certificate) (inter []*x509.Certificate, ok bool) {
	if slices.ContainsFunc(chain, hasOtherNameSAN) {
		return nil, false
	}
	for _, c := range chain[1:] {
		if len(c.UnhandledCriticalExtensions) == 1 && c.UnhandledCriticalExtensions[0].Equal(oidNameConstraints) &&
			onlyOtherNameUnhandled(c) {
			lifted := *c
			lifted.UnhandledCriticalExtensions = nil
			c, ok = &lifted, true
		}
		inter = append(inter, c)
	}
	return inter, ok
}

// nameConstraints is the NameConstraints extension, read far enough to see
// the form of each constraint.
type nameConstraints struct {
	Permitted []generalSubtree `asn1:"optional,tag:0"`
	Excluded  []generalSubtree `asn1:"optional,tag:1"`
}

type generalSubtree struct {
	Base    asn1.RawValue
	Minimum int `asn1:"optional,tag:0,default:0"`
	Maximum int `asn1:"optional,tag:1,default:-1"`
}

// onlyOtherNameUnhandled reports whether every constraint form of c's name
// constraints that crypto/x509 does not evaluate is otherName. It parses
// the extension strictly: anything unexpected keeps the chain refused.
func onlyOtherNameUnhandled(c *x509.Certificate) bool {
	i := slices.IndexFunc(c.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidNameConstraints) })
	if i < 0 {
		return false
	}
	var nc nameConstraints
	if rest, err := asn1.Unmarshal(c.Extensions[i].Value, &nc); err != nil || len(rest) > 0 {
		return false
	}
	otherNames := 0
	for _, st := range slices.Concat(nc.Permitted, nc.Excluded) {
		switch b := st.Base; {
		case b.Class != asn1.ClassContextSpecific:
			return false
		case b.Tag == otherNameTag && b.IsCompound:
			otherNames++
		case b.Tag == 1 || b.Tag == 2 || b.Tag == 6 || b.Tag == 7:
			// rfc822Name, dNSName, URI, iPAddress: evaluated by crypto/x509.
		default:
			return false // directoryName and the rest apply to every subject
		}
	}
	return otherNames > 0
}

// hasOtherNameSAN reports whether c names itself with an otherName (a UPN):
// then an otherName constraint above it matters, and is not lifted.
func hasOtherNameSAN(c *x509.Certificate) bool {
	i := slices.IndexFunc(c.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oidSubjectAltName) })
	if i < 0 {
		return false
	}
	var names []asn1.RawValue
	if rest, err := asn1.Unmarshal(c.Extensions[i].Value, &names); err != nil || len(rest) > 0 {
		return true // unreadable: assume the worst
	}
	return slices.ContainsFunc(names, func(n asn1.RawValue) bool {
		return n.Class == asn1.ClassContextSpecific && n.Tag == otherNameTag
	})
}
