package diag

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// appleRulesFrom is when Apple's requirements for TLS server certificates
// took effect: certificates issued on or after 2019-07-01 must hold
// serverAuth in an extended key usage extension and be valid for at most
// 825 days (Apple support 103769, "Requirements for trusted certificates
// in iOS 13 and macOS 10.15"). Windows has neither rule.
var appleRulesFrom = time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC)

// appleMaxValidity is Apple's longest validity for those certificates.
const appleMaxValidity = 825 * 24 * time.Hour

// clientProfiles judges a client-facing leaf by the rules of the clients an
// Exchange organisation has beyond Outlook on Windows: ActiveSync on
// iPhone and iPad, and Outlook for Mac. A self-signed certificate is
// already refused by them, so it is not judged again here.
func (j *judge) clientProfiles(eo probe.EndpointObservation, f Finding, leaf *x509.Certificate) {
	if eo.Endpoint.Peer != inventory.PeerClients || SelfSigned(leaf) || leaf.NotBefore.Before(appleRulesFrom) {
		return
	}
	if v := leaf.NotAfter.Sub(leaf.NotBefore); v > appleMaxValidity {
		g := f
		g.Code, g.Severity = catalog.CertValidityTooLong, Error
		g.Message = fmt.Sprintf("the certificate %s served at %s is valid for %d days (%s to %s): ActiveSync on iPhone and iPad "+
			"and Outlook for Mac refuse certificates issued after 2019-07-01 that are valid for more than 825 days; Outlook "+
			"on Windows accepts it. Reissue it valid for 825 days or less.", subjectName(leaf), f.Address,
			int(v.Hours()/24), day(leaf.NotBefore), day(leaf.NotAfter))
		j.add(g, g.Thumbprint, eo)
	}
	// An extension present but empty is cert-profile (rules_profile.go):
	// Windows refuses that one too.
	if len(leaf.ExtKeyUsage) == 0 && len(leaf.UnknownExtKeyUsage) == 0 && !emptyEKU(leaf) {
		g := f
		g.Code, g.Severity = catalog.CertEKUMissing, Error
		g.Message = fmt.Sprintf("the certificate %s served at %s has no extended key usage extension: Outlook on Windows takes "+
			"that as \"any purpose\", but ActiveSync on iPhone and iPad and Outlook for Mac refuse certificates issued after "+
			"2019-07-01 without Server Authentication (serverAuth) in it. Reissue it from a template with the Server "+
			"Authentication purpose.", subjectName(leaf), f.Address)
		j.add(g, g.Thumbprint, eo)
	}
}

// chainIncomplete reports a server that does not send its intermediate,
// when the certificate's caIssuers URL gives it: Windows fetches it from
// there (Authority Information Access retrieval), phones and Macs do not.
func (j *judge) chainIncomplete(eo probe.EndpointObservation, f Finding, hs *probe.Handshake) {
	if !hs.Trust.CompletedByAIA {
		return
	}
	var got []string
	for _, a := range hs.Trust.AIA {
		if a.Subject != "" {
			got = append(got, a.Subject+" from "+a.URL)
		}
	}
	f.Code, f.Severity = catalog.ChainIncomplete, Warning
	f.Message = fmt.Sprintf("the server at %s does not send the intermediate certificate of %s. Outlook on Windows fetches it "+
		"(%s); ActiveSync on iPhone, iPad and Android and Outlook for Mac do not, and fail to connect. Install the intermediate "+
		"on the server so it sends the whole chain.", f.Address, subjectName(hs.Chain[0]), strings.Join(got, "; "))
	j.add(f, f.Thumbprint, eo)
}

// afterCertificate reports a handshake that failed after the server sent
// its certificate: no client can connect, whatever the certificate says.
func (j *judge) afterCertificate(eo probe.EndpointObservation, hs *probe.Handshake) {
	f := Finding{Code: catalog.TLSError, Severity: Error, Host: eo.Target.Host, Address: hs.Key.Address, Thumbprint: Thumbprint(hs.Chain[0]), Cause: string(hs.Err.Kind)}
	switch hs.Err.Kind {
	case probe.ErrClientCert:
		f.Message = fmt.Sprintf("the server at %s demands a client certificate (%s): Outlook, browsers and phones have none "+
			"to give and cannot connect to %s. The certificate it sent is judged below.", hs.Key.Address, hs.Err.Detail, eo.Target.Host)
	case probe.ErrServerProof:
		f.Message = fmt.Sprintf("the server at %s sent its certificate %s but could not prove it holds that certificate's private "+
			"key (%s): the certificate is bound with another key, or without one. No client can connect to %s.",
			hs.Key.Address, subjectName(hs.Chain[0]), hs.Err.Detail, eo.Target.Host)
	default:
		f.Message = fmt.Sprintf("the handshake with %s failed after the server sent its certificate (%s): %s. Outlook shows a "+
			"connection error for %s.", hs.Key.Address, hs.Err.Kind, hs.Err.Detail, eo.Target.Host)
	}
	j.add(f, string(hs.Err.Kind), eo)
}
