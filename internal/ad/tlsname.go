package ad

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"slices"
	"strings"
)

// A connector's TlsCertificateName (msExchSmtpTLSCertificate) names a
// certificate by issuer and subject, "<I>issuer<S>subject", each written
// as Windows writes a distinguished name (X509Certificate2.Issuer and
// .Subject): most specific first, ", " between parts, CryptoAPI's short
// names (S= for the state, E= for an e-mail address), and values with
// special characters in double quotes (Set-ReceiveConnector,
// -TlsCertificateName: "<I>$($c.Issuer)<S>$($c.Subject)").

// windowsTypes are CryptoAPI's names of the attribute types (CertNameToStr).
var windowsTypes = map[string]string{
	"2.5.4.3": "CN", "2.5.4.4": "SN", "2.5.4.5": "SERIALNUMBER", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "S",
	"2.5.4.9": "STREET", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.12": "T", "2.5.4.42": "G", "2.5.4.43": "I",
	"2.5.4.17": "PostalCode", "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID",
	"1.2.840.113549.1.9.1": "E",
}

// typeAliases maps other spellings of a type to CryptoAPI's.
var typeAliases = map[string]string{"ST": "S", "EMAILADDRESS": "E", "EMAIL": "E", "SURNAME": "SN", "GIVENNAME": "G", "TITLE": "T", "STREETADDRESS": "STREET"}

// WindowsName writes a DER-encoded distinguished name (a certificate's
// RawIssuer or RawSubject) as Windows does.
func WindowsName(raw []byte) string {
	var seq pkix.RDNSequence
	if rest, err := asn1.Unmarshal(raw, &seq); err != nil || len(rest) > 0 {
		return ""
	}
	parts := make([]string, 0, len(seq))
	for i := len(seq) - 1; i >= 0; i-- {
		var atvs []string
		for _, atv := range seq[i] {
			t, ok := windowsTypes[atv.Type.String()]
			if !ok {
				t = "OID." + atv.Type.String()
			}
			v, _ := atv.Value.(string)
			atvs = append(atvs, t+"="+quoteWindows(v))
		}
		parts = append(parts, strings.Join(atvs, " + "))
	}
	return strings.Join(parts, ", ")
}

// quoteWindows quotes a value as CertNameToStr does: in double quotes,
// inner ones doubled, when it holds a character that separates or when it
// starts or ends with a space.
func quoteWindows(v string) string {
	if v == "" || !strings.ContainsAny(v, ",+=\"\n<>#;") && strings.TrimSpace(v) == v {
		return v
	}
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}

// TLSCertificateName is the TlsCertificateName value that names c.
func TLSCertificateName(c *x509.Certificate) string {
	return "<I>" + WindowsName(c.RawIssuer) + "<S>" + WindowsName(c.RawSubject)
}

// ParseTLSCertificateName splits "<I>issuer<S>subject" (tags in any case).
func ParseTLSCertificateName(v string) (issuer, subject string, ok bool) {
	lower := strings.ToLower(v)
	i, s := strings.Index(lower, "<i>"), strings.Index(lower, "<s>")
	if i != 0 || s < 3 {
		return "", "", false
	}
	return strings.TrimSpace(v[3:s]), strings.TrimSpace(v[s+3:]), true
}

// NamesCertificate reports whether a TlsCertificateName value names c:
// the same issuer and subject, compared part by part whatever the order,
// spacing, case or spelling of the attribute types.
func NamesCertificate(tlsName string, c *x509.Certificate) bool {
	issuer, subject, ok := ParseTLSCertificateName(tlsName)
	return ok && sameName(issuer, WindowsName(c.RawIssuer)) && sameName(subject, WindowsName(c.RawSubject))
}

// sameName compares two distinguished names written as text.
func sameName(a, b string) bool {
	na, nb := nameParts(a), nameParts(b)
	return na != nil && slices.Equal(na, nb)
}

// nameParts splits a distinguished name into sorted "TYPE=value" parts,
// types in CryptoAPI's spelling, values unquoted and lower-cased; nil when
// it is empty.
func nameParts(dn string) []string {
	var parts []string
	var cur strings.Builder
	quoted := false
	flush := func() {
		if p := normalPart(cur.String()); p != "" {
			parts = append(parts, p)
		}
		cur.Reset()
	}
	for _, r := range dn {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case !quoted && (r == ',' || r == '+' || r == ';'):
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	slices.Sort(parts)
	return parts
}

func normalPart(p string) string {
	t, v, ok := strings.Cut(strings.TrimSpace(p), "=")
	if !ok {
		return ""
	}
	t = strings.ToUpper(strings.TrimSpace(t))
	if oid, found := strings.CutPrefix(t, "OID."); found {
		if name, known := windowsTypes[oid]; known {
			t = strings.ToUpper(name)
		}
	}
	if a, found := typeAliases[t]; found {
		t = a
	}
	v = strings.TrimSpace(v)
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = strings.ReplaceAll(v[1:len(v)-1], `""`, `"`)
	}
	return t + "=" + strings.ToLower(v)
}
