package diag

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// certificate applies the certificate rules to one endpoint's handshake.
func (j *judge) certificate(eo probe.EndpointObservation, hs *probe.Handshake) {
	leaf := hs.Chain[0]
	f := Finding{Host: eo.Target.Host, Address: hs.Key.Address, Thumbprint: Thumbprint(leaf)}
	// Clients judge the path they build, not every certificate sent
	// (rules_path.go): path replaces hs.Chain below.
	path, extra := clientPath(hs, j.in.Now)
	for i, c := range path {
		j.validity(eo, f, c, pathRole(hs, c, i, f.Address))
	}
	if internalTransport(eo, leaf) {
		return
	}
	j.names(eo, f, leaf, path)
	j.crypto(eo, f, hs, path)
	j.clientProfiles(eo, f, leaf)
	j.pathProfile(eo, f, hs, path)
	j.chainIncomplete(eo, f, hs)
	j.revocation(eo, f, hs)
	j.extraCerts(eo, f, extra, path)
	if SelfSigned(leaf) {
		f := f
		f.Code, f.Severity = catalog.CertSelfSigned, Warning
		f.Message = selfSignedMessage(leaf)
		j.add(f, f.Thumbprint, eo)
	}
	if SelfSigned(leaf) && outsideFacing(eo.Endpoint.Source) {
		f := f
		f.Code, f.Severity = catalog.SelfSignedExternal, Error
		f.Message = fmt.Sprintf("a self-signed certificate (%s) is served for %s, which clients outside the network use: "+
			"Outlook Anywhere and ActiveSync do not support self-signed certificates, and no outside client trusts it. "+
			"Use a certificate from a public CA for external names.", subjectName(leaf), eo.Endpoint.URL)
		j.add(f, f.Thumbprint, eo)
	}
	if !hs.Trust.Verified {
		f := f
		f.Code, f.Severity, f.Cause = catalog.CertUntrusted, Error, string(hs.Trust.Reason)
		f.Message = untrustedMessage(leaf, hs.Trust)
		if eo.Endpoint.Peer == inventory.PeerMailServers {
			f.Severity = Warning
			f.Message += " " + mailServersCheck
		}
		j.add(f, string(hs.Trust.Reason)+f.Thumbprint, eo)
	}
	if hs.Version != 0 && hs.Version < tls.VersionTLS12 {
		f := f
		f.Code, f.Severity = catalog.TLSLegacy, Warning
		f.Message = fmt.Sprintf("%s only negotiated %s (%s). Current Windows and Outlook disable TLS 1.0 and 1.1, "+
			"so clients fail to connect; enable TLS 1.2 on the server.",
			hs.Key.Address, tls.VersionName(hs.Version), tls.CipherSuiteName(hs.CipherSuite))
		j.add(f, "", eo)
	}
	if len(j.in.Expect) > 0 && !slices.Contains(j.in.Expect, f.Thumbprint) {
		f := f
		f.Code, f.Severity = catalog.CertUnexpected, Error
		f.Message = fmt.Sprintf("%s serves certificate %s (%s, expires %s), not the expected %s: "+
			"the new certificate is not bound on this server for this service.",
			hs.Key.Address, f.Thumbprint, subjectName(leaf), day(leaf.NotAfter), strings.Join(j.in.Expect, " or "))
		j.add(f, "", eo)
	}
}

func (j *judge) names(eo probe.EndpointObservation, f Finding, leaf *x509.Certificate, path []*x509.Certificate) {
	match := MatchHost(leaf, eo.Target.Host)
	if match == MatchCNOnly {
		// The CA's name constraints bound the CN too (nameconstraints.go).
		if why := cnConstraint(leaf, eo.Target.Host, path); why != "" {
			j.constrainedCN(eo, f, leaf, why)
			return
		}
	}
	switch match {
	case MatchSAN:
		return
	case MatchCNOnly:
		// An error: Apple platforms refuse names in the CN since iOS 13 and
		// macOS 10.15 (support.apple.com/103769), so iPhone and iPad
		// ActiveSync and Outlook for Mac fail although Windows accepts it.
		f.Code, f.Severity = catalog.CNOnlyMatch, Error
		f.Message = fmt.Sprintf("%s is named only in the certificate's subject CN; the certificate has no subject "+
			"alternative names. Outlook on Windows accepts it (Windows falls back to the CN when there is no SAN), "+
			"but ActiveSync on iPhone and iPad, Outlook for Mac and Chrome reject it: Apple no longer trusts names "+
			"in the CN (iOS 13, macOS 10.15) and Chrome ignores the CN. Reissue the certificate with %s as a DNS SAN.",
			eo.Target.Host, eo.Target.Host)
	case NoMatch:
		f.Code, f.Severity = catalog.NameMismatch, Error
		f.Message = fmt.Sprintf("Outlook shows \"The name of the security certificate is invalid or does not match "+
			"the name of the site\": the certificate served at %s (%s) covers %s, not %s.",
			f.Address, subjectName(leaf), quotedList(CoveredNames(leaf)), eo.Target.Host)
		if eo.Endpoint.Source.Service == inventory.ServiceSMTP {
			// SMTP between servers is opportunistic TLS: senders encrypt
			// whatever certificate is offered (RFC 3207 section 4.1).
			f.Severity = Warning
			f.Message = fmt.Sprintf("the certificate served at %s (%s) covers %s, not %s, the name the SMTP connector "+
				"announces. SMTP clients warn. %s", f.Address, subjectName(leaf), quotedList(CoveredNames(leaf)), eo.Target.Host, mailServersCheck)
		}
	}
	j.add(f, f.Thumbprint, eo)
}

// mailServersCheck says who is hurt when a mail server's certificate does
// not verify.
const mailServersCheck = "Most mail servers encrypt with any certificate (opportunistic TLS), but partners that " +
	"enforce TLS and Exchange Online in a hybrid deployment check it and refuse the connection."

// internalTransport reports the certificate Exchange presents by design
// where only Exchange servers connect, or on an SMTP connector when it is
// the server's own self-signed (internal transport) certificate: Microsoft
// advises keeping it (CSS-Exchange, InternalTransportCertificateCheck.md),
// and Exchange picks it for a connector until a certificate naming the
// connector's FQDN is enabled for SMTP. Only its validity matters there:
// when it expires, STARTTLS stops (KB 953354).
func internalTransport(eo probe.EndpointObservation, leaf *x509.Certificate) bool {
	if eo.Endpoint.Peer == inventory.PeerExchange {
		return true
	}
	_, _, isDefault := exchangeDefault(leaf)
	return isDefault && eo.Endpoint.Source.Service == inventory.ServiceSMTP
}

// validity checks one certificate of the path; which names it and where it
// was served (pathRole).
func (j *judge) validity(eo probe.EndpointObservation, f Finding, c *x509.Certificate, which string) {
	now := j.in.Now
	f.Thumbprint = Thumbprint(c)
	switch {
	case now.After(c.NotAfter):
		f.Code, f.Severity = catalog.CertExpired, Error
		f.Message = fmt.Sprintf("Outlook shows \"The security certificate has expired or is not yet valid\": %s "+
			"expired on %s (%s ago). Renew it and bind the new certificate.",
			which, day(c.NotAfter), days(c.NotAfter, now))
	case now.Before(c.NotBefore):
		f.Code, f.Severity = catalog.CertNotYetValid, Error
		f.Message = fmt.Sprintf("Outlook shows \"The security certificate has expired or is not yet valid\": %s "+
			"is valid only from %s (in %s). Check the server's clock, or wait before binding it.",
			which, day(c.NotBefore), days(now, c.NotBefore))
	case c.NotAfter.Sub(now) < time.Duration(j.in.WarnDays)*24*time.Hour:
		f.Code, f.Severity = catalog.CertExpiring, Warning
		f.Message = fmt.Sprintf("%s expires on %s, in %s. Renew it before then, or Outlook will show "+
			"\"The security certificate has expired or is not yet valid\".", capitalize(which),
			day(c.NotAfter), days(now, c.NotAfter))
	default:
		return
	}
	j.add(f, f.Thumbprint, eo)
}

// outsideFacing reports an External URL, Outlook Anywhere or ActiveSync:
// where the Exchange 2007 article says a self-signed certificate is not supported.
func outsideFacing(s inventory.Source) bool {
	return s.Scope == inventory.ScopeExternal || s.Service == inventory.ServiceOutlookAnywhere || s.Service == inventory.ServiceActiveSync
}

func selfSignedMessage(leaf *x509.Certificate) string {
	if netbios, fqdn, ok := exchangeDefault(leaf); ok {
		return fmt.Sprintf("this is Exchange's default self-signed certificate for server %s (%s), created by Exchange "+
			"setup (valid 1 year when made by Exchange 2007 before SP2, 5 years after). It is meant for traffic between "+
			"Exchange servers: Outlook warns about it, and Outlook Anywhere and ActiveSync do not support it. "+
			"Replace it with a certificate from your enterprise CA or a public CA.", netbios, fqdn)
	}
	return fmt.Sprintf("the certificate %s is self-signed: no client trusts it unless it was installed on every "+
		"machine by hand. Replace it with a certificate from your enterprise CA or a public CA.", subjectName(leaf))
}

func untrustedMessage(leaf *x509.Certificate, t probe.Trust) string {
	why := t.Detail
	switch t.Reason {
	case probe.TrustWrongUsage:
		why = "the certificate is not valid for server authentication (extended key usage): " + t.Detail
	case "":
		why = "verification failed"
	}
	return fmt.Sprintf("Outlook shows \"The security certificate was issued by a company you have not chosen to "+
		"trust\" for %s: %s. (Trust is judged against this machine's roots plus --ca-file; a client with other "+
		"roots may differ.)", subjectName(leaf), why)
}

// quotedList names a certificate's names, at most listMax of them: a
// certificate with thousands of SANs must not make a message of megabytes.
func quotedList(names []string) string {
	const listMax = 12
	switch {
	case len(names) == 0:
		return "no names at all"
	case len(names) > listMax:
		return fmt.Sprintf("%s and %d more names", strings.Join(names[:listMax], ", "), len(names)-listMax)
	}
	return strings.Join(names, ", ")
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// days renders the calendar days between two instants ("12 days"), with
// "less than a day" for the same day, so that "in 0 days" is never printed.
func days(from, to time.Time) string {
	n := CalendarDays(from, to)
	if n < 0 {
		n = -n
	}
	switch n {
	case 0:
		return "less than a day"
	case 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// CalendarDays counts UTC calendar days from one instant to another, so a
// certificate ending on 2026-06-13 has 12 days left on 2026-06-01 whatever
// the hour. It uses Unix seconds: certificates valid until 9999 overflow a
// time.Duration.
func CalendarDays(from, to time.Time) int {
	return int(dayNumber(to) - dayNumber(from))
}

func dayNumber(t time.Time) int64 {
	s := t.Unix()
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return d
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
