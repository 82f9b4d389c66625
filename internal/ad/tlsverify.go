package ad

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/safetext"
)

// tlsVerifier checks the DC's certificate against the system roots and the
// extra roots, and keeps the certificate and the verdict: go-ldap's StartTLS
// flattens handshake errors into text, and the hints need both.
type tlsVerifier struct {
	host  string
	roots *x509.CertPool
	leaf  *x509.Certificate
	err   error
}

func (v *tlsVerifier) config() *tls.Config {
	return &tls.Config{
		ServerName: v.host,
		MinVersion: tls.VersionTLS12,
		// Verification happens in VerifyConnection, which sees every
		// handshake and records what it found.
		InsecureSkipVerify: true,
		VerifyConnection:   v.verify,
	}
}

func (v *tlsVerifier) verify(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		v.err = errors.New("the DC sent no certificate")
		return v.err
	}
	v.leaf = cs.PeerCertificates[0]
	opts := x509.VerifyOptions{DNSName: v.host, Intermediates: x509.NewCertPool()}
	for _, c := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(c)
	}
	_, err := v.leaf.Verify(opts)
	if err != nil && v.roots != nil {
		opts.Roots = v.roots
		_, err = v.leaf.Verify(opts)
	}
	v.err = err
	return err
}

// tlsFailure describes a failed handshake, naming the certificate's hosts
// when the name or the issuer is the problem.
func (v *tlsVerifier) tlsFailure(op string, err error) *Error {
	if v.err != nil {
		err = v.err
	}
	var host x509.HostnameError
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var record tls.RecordHeaderError
	switch {
	case errors.As(err, &host):
		return &Error{Op: op, Err: fmt.Errorf("the DC's certificate is for %s, not %s", certNames(v.leaf), v.host),
			Hint: fmt.Sprintf("connect with a name the certificate holds, e.g. --ldap-url ldaps://%s", safetext.Escape(firstName(v.leaf)))}
	case errors.As(err, &unknown):
		return &Error{Op: op, Err: fmt.Errorf("the DC's certificate (%s, issued by %s) is not trusted", certNames(v.leaf), issuer(v.leaf)),
			Hint: "add the issuing root CA (PEM) with --ca-file, or to the system's trusted roots"}
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return &Error{Op: op, Err: fmt.Errorf("the DC's certificate (%s) is outside its validity period (until %s)", certNames(v.leaf), v.leaf.NotAfter.UTC().Format("2006-01-02")),
			Hint: "renew the domain controller's certificate (autoenrollment: certutil -pulse on the DC)"}
	case v.err != nil:
		return &Error{Op: op, Err: err, Hint: "the DC's certificate cannot be used for " + v.host}
	// go-ldap's StartTLS keeps only the text of crypto/tls's error (its own,
	// the same in every language); LDAPS keeps the value.
	case errors.As(err, &record), strings.Contains(err.Error(), "first record does not look like a TLS handshake"):
		return &Error{Op: op, Err: err, Hint: "that port does not speak TLS: use ldap:// for 389 (StartTLS) and ldaps:// for 636"}
	}
	return failure(op, err, ldapHint)
}

// certNames lists the DNS names and addresses a certificate is valid for.
func certNames(c *x509.Certificate) string {
	if c == nil {
		return "an unknown name"
	}
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName+" (CN only)")
	}
	if len(names) == 0 {
		return "no host name"
	}
	return safetext.Escape(strings.Join(names, ", "))
}

func firstName(c *x509.Certificate) string {
	if c != nil && len(c.DNSNames) > 0 {
		return c.DNSNames[0]
	}
	if c != nil && c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return "DC-FQDN"
}

func issuer(c *x509.Certificate) string {
	if c == nil {
		return "an unknown issuer"
	}
	if c.Issuer.CommonName != "" {
		return safetext.Escape("CN=" + c.Issuer.CommonName)
	}
	return safetext.Escape(c.Issuer.String())
}
