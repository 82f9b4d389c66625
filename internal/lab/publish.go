package lab

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Paths the lab's PKI web server publishes, and the one CRL it keeps stale.
const (
	staleCRL = "http://" + PKIHost + "/crl/stale.crl"
	// DeadCRL is a distribution point on a name that does not answer.
	DeadCRL = "http://crl-down.contoso.com/crl/issuing.crl"
)

// LDAPCDP is the ldap:/// distribution point an enterprise CA writes into
// certificates, and the directory object it publishes the issuing CA's CRL
// in, for the organisation's configuration naming context.
func LDAPCDP(o *Org) (url, dn string) {
	dn = "CN=Contoso Lab Issuing CA,CN=PKI01,CN=CDP,CN=Public Key Services,CN=Services," + o.ConfigNC()
	return "ldap:///" + dn + "?certificateRevocationList?base?objectClass=cRLDistributionPoint", dn
}

// issue makes a scenario certificate as spec says, from the lab's CAs: by
// default from the issuing CA, naming its HTTP distribution point and
// caIssuers URL.
func (p *PKI) issue(spec CertSpec) (tls.Certificate, error) {
	if spec.ExchangeDefault {
		return p.ExchangeDefault(spec.CN, spec.Names[1], spec.NotBefore, spec.Years)
	}
	if spec.SelfSigned {
		return SelfSigned(LeafSpec{CommonName: spec.CN, Organization: spec.Org, DNSNames: spec.Names, NotBefore: spec.NotBefore, NotAfter: spec.NotAfter,
			Key: p.serverKey, Serial: p.serial(spec)})
	}
	ca, aia := p.Issuing, IssuingAIA
	if spec.Issuer == "issuing2" {
		ca, aia = p.Issuing2, Issuing2AIA
	}
	crl, ocspURLs, aiaURLs := spec.CRL, spec.OCSP, []string{aia}
	if crl == nil {
		crl = []string{IssuingCRL}
		if ca == p.Issuing2 {
			crl = nil
		}
	}
	if spec.NoAIA {
		aiaURLs = nil
	}
	c, err := ca.Issue(LeafSpec{
		CommonName: spec.CN, Organization: spec.Org, DNSNames: spec.Names, NotBefore: spec.NotBefore, NotAfter: spec.NotAfter,
		Key: p.serverKey, Serial: p.serial(spec), CRLURLs: crl, OCSPURLs: ocspURLs, IssuerURLs: aiaURLs, NoEKU: spec.NoEKU,
	})
	if err != nil {
		return c, err
	}
	if spec.LeafOnly {
		c = LeafOnly(c)
	}
	if spec.WrongKey {
		// The certificate bound with another key than its own: the server
		// signs the handshake with a key the certificate does not hold.
		c.PrivateKey = p.wrongKey
	}
	return c, nil
}

// serial is a certificate's stable serial number.
func (p *PKI) serial(spec CertSpec) *big.Int {
	id := fmt.Sprint(spec.CN, spec.Names, spec.NotBefore.Unix(), spec.NotAfter.Unix(), spec.Issuer, spec.CRL, spec.OCSP, spec.NoEKU)
	if len(spec.Org) > 0 || spec.SelfSigned {
		id += fmt.Sprint(spec.Org, spec.SelfSigned)
	}
	return serialFor(id)
}

// Publication is what the lab CA publishes: CRLs and CA certificates by
// URL path, the OCSP answers, and the CRL it puts in the directory.
type Publication struct {
	Files map[string][]byte
	// OCSP answers a DER OCSP request.
	OCSP func(req []byte) []byte
	// DirectoryCRL is the issuing CA's CRL for the LDAP distribution point.
	DirectoryCRL []byte
}

// Publish makes the lab CA's publications, with revoked listed in the
// issuing CA's CRL and OCSP answers. The root's CRL lists the second
// issuing CA, which the lab's root has revoked. Everything is signed at
// fixed times around Clock, so the output is the same on every run.
func (p *PKI) Publish(revoked []*x509.Certificate) (*Publication, error) {
	thisUpdate, nextUpdate := Clock.AddDate(0, 0, -1), Clock.AddDate(0, 0, 7)
	var entries []x509.RevocationListEntry
	for _, c := range revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: Clock.AddDate(0, 0, -10), ReasonCode: 1})
	}
	issuingCRL, err := crl(p.Issuing, entries, 1, thisUpdate, nextUpdate)
	if err != nil {
		return nil, err
	}
	rootCRL, err := crl(p.Root, []x509.RevocationListEntry{{SerialNumber: p.Issuing2.Cert.SerialNumber, RevocationTime: Clock.AddDate(0, -1, 0), ReasonCode: 2}}, 1, thisUpdate, Clock.AddDate(0, 6, 0))
	if err != nil {
		return nil, err
	}
	stale, err := crl(p.Issuing, nil, 2, Clock.AddDate(0, 0, -30), Clock.AddDate(0, 0, -23))
	if err != nil {
		return nil, err
	}
	pub := &Publication{
		Files: map[string][]byte{
			"/crl/issuing.crl": issuingCRL, "/crl/root.crl": rootCRL, "/crl/stale.crl": stale,
			"/aia/issuing.crt": p.Issuing.Cert.Raw, "/aia/issuing2.crt": p.Issuing2.Cert.Raw,
		},
		DirectoryCRL: issuingCRL,
	}
	revokedSerials := map[string]bool{}
	for _, c := range revoked {
		revokedSerials[c.SerialNumber.String()] = true
	}
	pub.OCSP = func(der []byte) []byte { return p.ocspAnswer(der, revokedSerials, thisUpdate, nextUpdate) }
	return pub, nil
}

func crl(ca *CA, entries []x509.RevocationListEntry, number int64, thisUpdate, nextUpdate time.Time) ([]byte, error) {
	return x509.CreateRevocationList(nil, &x509.RevocationList{
		Number: big.NewInt(number), ThisUpdate: thisUpdate, NextUpdate: nextUpdate,
		RevokedCertificateEntries: entries, Issuer: pkix.Name{CommonName: ca.Cert.Subject.CommonName},
	}, ca.Cert, ca.Key)
}

// ocspAnswer is the issuing CA's own OCSP answer (signed with its key):
// revoked for the serials listed, good for the others it issued.
func (p *PKI) ocspAnswer(der []byte, revoked map[string]bool, thisUpdate, nextUpdate time.Time) []byte {
	req, err := ocsp.ParseRequest(der)
	if err != nil {
		return ocsp.MalformedRequestErrorResponse
	}
	issuer := p.Issuing.Cert
	tmpl := ocsp.Response{SerialNumber: req.SerialNumber, ThisUpdate: thisUpdate, NextUpdate: nextUpdate, Status: ocsp.Good}
	if revoked[req.SerialNumber.String()] {
		tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, Clock.AddDate(0, 0, -10), ocsp.KeyCompromise
	}
	resp, err := ocsp.CreateResponse(issuer, issuer, tmpl, p.Issuing.Key)
	if err != nil {
		return ocsp.InternalErrorErrorResponse
	}
	return resp
}
