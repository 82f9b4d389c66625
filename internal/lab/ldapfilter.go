package lab

import (
	"fmt"
	"strconv"
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// AD's bitwise matching rules (LDAP_MATCHING_RULE_BIT_AND / _OR).
const (
	ruleBitAnd = "1.2.840.113556.1.4.803"
	ruleBitOr  = "1.2.840.113556.1.4.804"
)

// checkFilter checks the structure of a search's Filter (RFC 4511
// 4.5.1.7), so that ldapMatch finds what it reads. checkBER has bounded
// its depth.
func checkFilter(f *ber.Packet) error {
	bad := fmt.Errorf("%w: bad search filter", errMalformed)
	constructed := f.TagType == ber.TypeConstructed
	if f.ClassType != ber.ClassContext {
		return bad
	}
	switch f.Tag {
	case ldap.FilterAnd, ldap.FilterOr, ldap.FilterNot:
		if !constructed || f.Tag == ldap.FilterNot && len(f.Children) != 1 {
			return bad
		}
		for _, c := range f.Children {
			if err := checkFilter(c); err != nil {
				return err
			}
		}
	case ldap.FilterEqualityMatch, ldap.FilterGreaterOrEqual, ldap.FilterLessOrEqual, ldap.FilterApproxMatch:
		if !constructed || len(f.Children) != 2 || !isOctets(f.Children[0]) || !isOctets(f.Children[1]) {
			return bad
		}
	case ldap.FilterSubstrings:
		if !constructed || len(f.Children) != 2 || !isOctets(f.Children[0]) ||
			!isUniversal(f.Children[1], ber.TypeConstructed, ber.TagSequence) || len(f.Children[1].Children) == 0 {
			return bad
		}
		for _, c := range f.Children[1].Children {
			if c.ClassType != ber.ClassContext || c.TagType != ber.TypePrimitive || c.Tag > ldap.FilterSubstringsFinal {
				return bad
			}
		}
	case ldap.FilterPresent:
		if constructed {
			return bad
		}
	case ldap.FilterExtensibleMatch:
		if !constructed {
			return bad
		}
		for _, c := range f.Children {
			if c.ClassType != ber.ClassContext || c.TagType != ber.TypePrimitive ||
				c.Tag < ldap.MatchingRuleAssertionMatchingRule || c.Tag > ldap.MatchingRuleAssertionDNAttributes {
				return bad
			}
		}
	default:
		return bad
	}
	return nil
}

func isOctets(p *ber.Packet) bool {
	_, ok := octets(p)
	return ok
}

// ldapMatch evaluates a filter that checkFilter passed against an
// entry. Attribute names and values compare case-insensitively, as they do
// in AD for the attributes exdiag reads (objectClass, keywords, names).
func ldapMatch(f *ber.Packet, e *LDAPEntry) bool {
	switch f.Tag {
	case ldap.FilterAnd:
		for _, c := range f.Children {
			if !ldapMatch(c, e) {
				return false
			}
		}
		return true
	case ldap.FilterOr:
		for _, c := range f.Children {
			if ldapMatch(c, e) {
				return true
			}
		}
		return false
	case ldap.FilterNot:
		return len(f.Children) == 1 && !ldapMatch(f.Children[0], e)
	case ldap.FilterPresent:
		name := packetString(f)
		// Every AD object has an objectClass, the RootDSE included.
		return strings.EqualFold(name, "objectClass") || len(e.values(name)) > 0
	case ldap.FilterEqualityMatch, ldap.FilterApproxMatch:
		if len(f.Children) != 2 {
			return false
		}
		want := packetString(f.Children[1])
		return anyValue(e.values(packetString(f.Children[0])), func(v string) bool { return strings.EqualFold(v, want) })
	case ldap.FilterGreaterOrEqual, ldap.FilterLessOrEqual:
		if len(f.Children) != 2 {
			return false
		}
		want := packetString(f.Children[1])
		return anyValue(e.values(packetString(f.Children[0])), func(v string) bool {
			c := compareValues(v, want)
			return c == 0 || (c > 0) == (f.Tag == ldap.FilterGreaterOrEqual)
		})
	case ldap.FilterSubstrings:
		if len(f.Children) != 2 {
			return false
		}
		return anyValue(e.values(packetString(f.Children[0])), func(v string) bool { return substringsMatch(f.Children[1], v) })
	case ldap.FilterExtensibleMatch:
		return extensibleMatch(f, e)
	}
	return false
}

func substringsMatch(parts *ber.Packet, v string) bool {
	v = strings.ToLower(v)
	for _, p := range parts.Children {
		s := strings.ToLower(packetString(p))
		switch p.Tag {
		case ldap.FilterSubstringsInitial:
			if !strings.HasPrefix(v, s) {
				return false
			}
			v = v[len(s):]
		case ldap.FilterSubstringsAny:
			i := strings.Index(v, s)
			if i < 0 {
				return false
			}
			v = v[i+len(s):]
		case ldap.FilterSubstringsFinal:
			if !strings.HasSuffix(v, s) {
				return false
			}
			v = ""
		}
	}
	return true
}

// extensibleMatch supports AD's bitwise rules, as in
// (msExchAcceptedDomainFlags:1.2.840.113556.1.4.803:=4).
func extensibleMatch(f *ber.Packet, e *LDAPEntry) bool {
	var rule, attr, value string
	for _, c := range f.Children {
		switch c.Tag {
		case ldap.MatchingRuleAssertionMatchingRule:
			rule = packetString(c)
		case ldap.MatchingRuleAssertionType:
			attr = packetString(c)
		case ldap.MatchingRuleAssertionMatchValue:
			value = packetString(c)
		}
	}
	want, err := strconv.ParseInt(value, 10, 64)
	if err != nil || (rule != ruleBitAnd && rule != ruleBitOr) {
		return false
	}
	return anyValue(e.values(attr), func(v string) bool {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return false
		}
		if rule == ruleBitAnd {
			return n&want == want
		}
		return n&want != 0
	})
}

// compareValues orders integers numerically and other values as folded text.
func compareValues(a, b string) int {
	x, errX := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	y, errY := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
	if errX == nil && errY == nil {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

func anyValue(vs []string, ok func(string) bool) bool {
	for _, v := range vs {
		if ok(v) {
			return true
		}
	}
	return false
}

// packetString reads a primitive filter component.
func packetString(p *ber.Packet) string { return p.Data.String() }

// inScope reports whether dn lies in the search scope of base.
func inScope(dn, base *ldap.DN, scope int64) bool {
	switch scope {
	case 0: // base
		return dn.EqualFold(base)
	case 1: // one level
		return len(dn.RDNs) == len(base.RDNs)+1 && base.AncestorOfFold(dn)
	}
	return dn.EqualFold(base) || base.AncestorOfFold(dn)
}
