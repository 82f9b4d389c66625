package diag

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
	"github.com/exdiag/exdiag/internal/safetext"
)

func (j *judge) urlInvalid(eo probe.EndpointObservation) {
	j.add(Finding{
		Code:     catalog.URLInvalid,
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
		Code:     catalog.URLNotHTTPS,
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
// resolved (or needed no lookup) to an address exdiag connected to.
func (j *judge) dns(eo probe.EndpointObservation) bool {
	r := j.in.Obs.DNS[eo.Target.Host]
	if r == nil || r.Status == probe.DNSSkipped {
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
	if r.Status == probe.DNSFound {
		if bad := unusableAddrs(r); len(bad) > 0 && len(bad) == len(r.Addrs) {
			j.add(Finding{Code: catalog.DNSBadAddress, Severity: Error, Host: eo.Target.Host, Message: fmt.Sprintf(
				"%s resolves to %s at %s, an address no client can connect to (0.0.0.0 and :: mean \"this machine\", "+
					"255.255.255.255 is broadcast, 224.0.0.0/4 and ff00::/8 are multicast); exdiag did not connect. "+
					"Correct the record to the server's address.", name, strings.Join(bad, ", "), answeredBy(r, servers))}, "bad", eo)
			return false
		}
		return true
	}
	code, what := catalog.DNSMissing, ""
	switch r.Status {
	case probe.DNSNXDomain, probe.DNSNoData:
		missing := "does not exist in DNS (NXDOMAIN"
		if r.Status == probe.DNSNoData {
			missing = "exists in DNS but has no A, AAAA or CNAME record (no data"
		}
		if len(r.CNAMEs) > 0 {
			// RFC 6604: the answer's rcode is that of the chain's last name.
			target := r.CNAMEs[len(r.CNAMEs)-1]
			what = fmt.Sprintf("%s is an alias (CNAME) of %s, and %s %s from %s): the alias points nowhere",
				name, strings.Join(r.CNAMEs, " → "), target, missing, answeredBy(r, servers))
		} else {
			what = fmt.Sprintf("%s %s from %s)", name, missing, answeredBy(r, servers))
		}
	case probe.DNSServFail:
		code = catalog.DNSError
		what = fmt.Sprintf("the DNS servers failed to resolve %s (asked %s), while they answer for other names: "+
			"the record may exist, but clients asking these servers get no address", name, servers)
	default:
		code = catalog.DNSError
		what = fmt.Sprintf("no DNS server answered for %s (asked %s), while they answer for other names", name, servers)
	}
	if r.Detail != "" && code == catalog.DNSError {
		what += ": " + r.Detail
	}
	msg := what + ". Outlook cannot connect to this URL from where exdiag ran."
	if eo.Pin != "" && !eo.Handshake.Zero() {
		msg += fmt.Sprintf(" exdiag connected through --%s, as clients cannot.", eo.Pin)
	}
	j.add(Finding{Code: code, Severity: Error, Host: eo.Target.Host, Message: msg}, string(r.Status), eo)
	return !eo.Handshake.Zero()
}

// unusableAddrs lists the addresses of r no client can connect to.
func unusableAddrs(r *probe.DNSResult) []string {
	var out []string
	for _, a := range r.Addrs {
		if !probe.Usable(a) {
			out = append(out, a.String())
		}
	}
	return out
}

func answeredBy(r *probe.DNSResult, servers string) string {
	if r.Server != "" {
		return r.Server
	}
	return servers
}

// connError reports a connection or handshake that yielded no certificate.
func (j *judge) connError(eo probe.EndpointObservation, hs *probe.Handshake) {
	if hs.Err.Kind == probe.ErrLocal {
		return // this machine's fault, not the server's: the run fails instead (probe.Observations.Local)
	}
	addr := hs.Key.Address
	f := Finding{Host: eo.Target.Host, Address: addr, Severity: Error, Cause: string(hs.Err.Kind)}
	switch k := hs.Err.Kind; {
	case k.Unreachable():
		f.Code = catalog.Unreachable
		f.Message = fmt.Sprintf("could not connect to %s (%s): %s. Outlook cannot reach %s either; "+
			"check that the server is up, listening on port %d, and not blocked by a firewall.",
			addr, hs.Err.Kind, hs.Err.Detail, eo.Target.Host, eo.Target.Port)
	case k == probe.ErrStartTLSMissing:
		f.Code = catalog.StartTLSMissing
		f.Message = fmt.Sprintf("%s does not offer STARTTLS: %s. Mail clients and other servers fall back to "+
			"clear text or fail. Exchange stops offering STARTTLS when no valid certificate with the connector's "+
			"FQDN is enabled for the service (KB 953354: the expired self-signed certificate).", addr, hs.Err.Detail)
	default:
		f.Code = catalog.TLSError
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
		if v.value == "" || safetext.Clean(v.value) {
			continue
		}
		j.add(Finding{
			Code: catalog.DirectoryValueUnsafe, Severity: Error, Host: eo.Target.Host,
			Message: fmt.Sprintf("the %s %q in the directory holds control characters, line breaks or bidi controls (at %s): "+
				"exdiag will not put it into a command. Look at the object with ADSI Edit and correct its name.", v.what, v.value, s.DN),
		}, v.value, eo)
	}
}
