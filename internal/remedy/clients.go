package remedy

import (
	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/probe"
)

// clientFix gives the fixes of the findings about what clients check
// beyond names and dates, or nil when f is not one of them.
func (r *remedier) clientFix(f *diag.Finding) ([]diag.Fix, bool) {
	cert := r.certs[f.Thumbprint]
	switch f.Code {
	case catalog.CertRevoked:
		if cert == nil || !r.isLeaf(f.Thumbprint) {
			return []diag.Fix{{Comment: "the CA certificate that issued the server's certificate is revoked: get a certificate from a CA whose certificate is valid, and install that CA's current intermediate"}}, true
		}
		return r.newCertificateRequest(f, cert, "the certificate is revoked: request a new one"), true
	case catalog.CertValidityTooLong:
		if cert == nil {
			return nil, true
		}
		return r.newCertificateRequest(f, cert, "request a new certificate valid for 825 days or less (in an enterprise CA, from a template whose validity period is 2 years at most)"), true
	case catalog.CertEKUMissing:
		if cert == nil {
			return nil, true
		}
		return r.newCertificateRequest(f, cert, "request a new certificate from a template that carries the Server Authentication purpose (the Web Server template does)"), true
	case catalog.RevocationUnavailable:
		return []diag.Fix{{Comment: "on the CA, not on Exchange: make the CRL distribution point (and OCSP responder) that the certificate names answer for every client. " +
			"A CRL past its next update needs a new one published (certutil -crl) and the CA's publication schedule checked; " +
			"an ldap:/// or internal-only distribution point needs an HTTP one clients outside reach (CA properties, Extensions), " +
			"and certificates issued after that change carry it"}}, true
	case catalog.ChainIncomplete:
		return r.installIntermediate(f), true
	case catalog.DNSError:
		return []diag.Fix{{Comment: "fix the DNS server, not the record: it fails for " + f.Host + " while it answers other names. Check the zone that holds the name (is this server authoritative, or forwarding to one that is down?), its forwarders and, for a signed zone, DNSSEC"}}, true
	case catalog.DNSBadAddress:
		return []diag.Fix{{Comment: "correct the record of " + f.Host + " on the DNS server of its zone: remove the unusable address (Remove-DnsServerResourceRecord) and point the name at the server's or the load balancer's address"}}, true
	case catalog.TLSError:
		switch probe.ErrorKind(f.Cause) {
		case probe.ErrClientCert:
			return []diag.Fix{{Comment: "in IIS Manager on the server answering at " + f.Address + ", open the site (or the virtual directory) and set SSL Settings, Client certificates, to Ignore; ActiveSync with certificate authentication needs Accept, never Require"}}, true
		case probe.ErrServerProof:
			return []diag.Fix{{Comment: "re-import the certificate with its own private key (the .pfx it was issued with: Import-ExchangeCertificate -FileData ... -Password ...), then enable it again for its services (Enable-ExchangeCertificate), on the server answering at " + f.Address}}, true
		}
	}
	return nil, false
}

// installIntermediate makes the server send the intermediate Windows
// fetches through AIA: it goes into the computer's Intermediate
// Certification Authorities store, which IIS and Exchange build the chain
// they send from. certutil exists on every Windows release.
func (r *remedier) installIntermediate(f *diag.Finding) []diag.Fix {
	return r.onServers(f, func(t target) (diag.Fix, bool) {
		fx := t.onServer("download the intermediate named in the finding to C:\\intermediate.crt on the server, add it to the Intermediate "+
			"Certification Authorities store, and restart IIS so it sends the whole chain (SMTP, POP3 and IMAP4 pick it up when their services restart)",
			"certutil -addstore CA 'C:\\intermediate.crt'; iisreset /noforce")
		return fx, t.name != ""
	})
}
