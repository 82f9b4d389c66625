package diag

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

func (j *judge) urlInvalid(eo probe.EndpointObservation) {
	j.add(Finding{
		Code:     CodeURLInvalid,
		Severity: Error,
		Host:     eo.Target.Host,
		Message: fmt.Sprintf("%s. Outlook cannot use this URL, and exdiag cannot check it; "+
			"set it to a valid https:// URL on a name the certificate covers.", eo.ParseErr),
	}, eo.ParseErr.Error(), eo)
}

func (j *judge) urlNotHTTPS(eo probe.EndpointObservation) {
	if eo.Endpoint.Source.Service == inventory.ServicePowerShell {
		// Remote PowerShell is http:// by design: Kerberos protects it
		// (CSS-Exchange connects to http://SERVER/powershell).
		return
	}
	f := Finding{
		Code:     CodeURLNotHTTPS,
		Severity: Warning,
		Host:     eo.Target.Host,
		Message: fmt.Sprintf("%s is plain HTTP: clients send requests and credentials unencrypted, and Outlook "+
			"ignores or warns about non-HTTPS service URLs. Use https:// (the certificate must then cover %s).",
			eo.Endpoint.URL, eo.Target.Host),
	}
	if leaf := j.servedOverHTTPS(eo.Target.Host); leaf != nil {
		// The certificate the same host serves over https is the one the
		// https:// URL will meet: remedy moves the URL to a name it covers.
		f.Thumbprint = Thumbprint(leaf)
		if MatchHost(leaf, eo.Target.Host) == NoMatch {
			f.Message = fmt.Sprintf("%s is plain HTTP: clients send requests and credentials unencrypted, and Outlook "+
				"ignores or warns about non-HTTPS service URLs. The certificate %s serves over https (%s) covers %s, "+
				"not %s: move the URL to https:// on a name it covers.", eo.Endpoint.URL, eo.Target.Host, subjectName(leaf),
				quotedList(CoveredNames(leaf)), eo.Target.Host)
		}
	}
	j.add(f, "", eo)
}

// servedOverHTTPS is the leaf certificate an https endpoint on host served,
// or nil when no https URL of the run names host.
func (j *judge) servedOverHTTPS(host string) *x509.Certificate {
	if j.httpsLeaf == nil {
		j.httpsLeaf = map[string]*x509.Certificate{}
		for _, eo := range j.in.Obs.Endpoints {
			if eo.ParseErr != nil || eo.Target.Scheme != "https" || j.httpsLeaf[eo.Target.Host] != nil {
				continue
			}
			if hs := j.in.Obs.Handshakes[eo.Handshake]; hs != nil && len(hs.Chain) > 0 {
				j.httpsLeaf[eo.Target.Host] = hs.Chain[0]
			}
		}
	}
	return j.httpsLeaf[host]
}

// dns reports a host with no usable record and says whether the host
// resolved (or needed no lookup).
func (j *judge) dns(eo probe.EndpointObservation) bool {
	r := j.in.Obs.DNS[eo.Target.Host]
	if r == nil || r.Status == probe.DNSFound || r.Status == probe.DNSSkipped {
		return true
	}
	servers := strings.Join(j.in.Obs.DNSServers, ", ")
	if servers == "" {
		servers = "the system's DNS servers"
	}
	name := r.Name
	if name == "" {
		name = eo.Target.Host
	}
	var what string
	switch r.Status {
	case probe.DNSNXDomain:
		what = fmt.Sprintf("%s does not exist in DNS (NXDOMAIN from %s)", name, answeredBy(r, servers))
	case probe.DNSNoData:
		what = fmt.Sprintf("%s exists in DNS but has no A, AAAA or CNAME record (no data from %s)", name, answeredBy(r, servers))
	case probe.DNSServFail:
		what = fmt.Sprintf("the DNS servers could not resolve %s (asked %s)", name, servers)
	default:
		what = fmt.Sprintf("no DNS server answered for %s (asked %s)", name, servers)
	}
	if r.Detail != "" && r.Status != probe.DNSNXDomain && r.Status != probe.DNSNoData {
		what += ": " + r.Detail
	}
	msg := what + ". Outlook cannot connect to this URL from where exdiag ran."
	if eo.Pin != "" && !eo.Handshake.Zero() {
		msg += fmt.Sprintf(" exdiag connected through --%s, as clients cannot.", eo.Pin)
	}
	msg += " Add a host (A) record pointing at the server, or change the URL to a name that resolves."
	j.add(Finding{Code: CodeDNSMissing, Severity: Error, Host: eo.Target.Host, Message: msg}, string(r.Status), eo)
	return !eo.Handshake.Zero()
}

func answeredBy(r *probe.DNSResult, servers string) string {
	if r.Server != "" {
		return r.Server
	}
	return servers
}

// connError reports a connection or handshake that yielded no certificate.
func (j *judge) connError(eo probe.EndpointObservation, hs *probe.Handshake) {
	addr := hs.Key.Address
	f := Finding{Host: eo.Target.Host, Address: addr, Severity: Error}
	switch k := hs.Err.Kind; {
	case k.Unreachable():
		f.Code = CodeUnreachable
		f.Message = fmt.Sprintf("could not connect to %s (%s): %s. Outlook cannot reach %s either; "+
			"check that the server is up, listening on port %d, and not blocked by a firewall.",
			addr, hs.Err.Kind, hs.Err.Detail, eo.Target.Host, eo.Target.Port)
	case k == probe.ErrStartTLSMissing:
		f.Code = CodeStartTLSMissing
		f.Message = fmt.Sprintf("%s does not offer STARTTLS: %s. Mail clients and other servers fall back to "+
			"clear text or fail. Exchange stops offering STARTTLS when no valid certificate with the connector's "+
			"FQDN is enabled for the service (KB 953354: the expired self-signed certificate).", addr, hs.Err.Detail)
	default:
		f.Code = CodeTLSError
		f.Message = fmt.Sprintf("the TLS connection to %s failed (%s): %s. Outlook shows a connection error "+
			"for %s; check the certificate binding and TLS settings of the service on that server.",
			addr, hs.Err.Kind, hs.Err.Detail, eo.Target.Host)
	}
	j.add(f, string(hs.Err.Kind), eo)
}

// unsafeSource reports a directory object whose name holds control
// characters, line breaks or bidi controls: remedy will not put it into a
// command, and the admin must hear why no command is given.
func (j *judge) unsafeSource(eo probe.EndpointObservation) {
	s := eo.Endpoint.Source
	for _, v := range []struct{ what, value string }{{"server name", s.Server}, {"object name", s.Object}} {
		if v.value == "" || !hasControl(v.value) {
			continue
		}
		j.add(Finding{
			Code: CodeDirectoryValueUnsafe, Severity: Error, Host: eo.Target.Host,
			Message: fmt.Sprintf("the %s %q in the directory holds control characters, line breaks or bidi controls (at %s): "+
				"exdiag will not put it into a command. Look at the object with ADSI Edit and correct its name.", v.what, v.value, s.DN),
		}, v.value, eo)
	}
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' ||
			(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
	})
}
