package lab

import (
	"fmt"
	"time"
)

// GenerateOptions shape a generated organisation.
type GenerateOptions struct {
	Servers int
	// Dead servers accept connections and never answer; the first Dead
	// servers of the list are dead.
	Dead int
}

// Generate builds an organisation of many Exchange 2016 servers for the
// benchmark: each with its SCP and virtual directories on its own name
// (internal) and on mail.contoso.com (external), every server serving the
// shared names, names resolving to distinct loopback addresses (127.0.x.y),
// a realistic mix of certificates (RSA-2048): most cover every name, one
// server in ten serves a certificate without the internal names, one in
// twenty an expired one. Only HTTPS is served.
func Generate(o GenerateOptions) (*Scenario, error) {
	if o.Servers < 1 || o.Servers > 60000 {
		return nil, fmt.Errorf("lab: %d servers: want 1 to 60000", o.Servers)
	}
	org := contoso()
	org.EXPR = "msstd:mail.contoso.com"
	ext := "https://mail.contoso.com"
	for i := range o.Servers {
		name := fmt.Sprintf("EX%05d", i+1)
		s := &ExchangeServer{
			Name: name, IP: fmt.Sprintf("127.%d.%d.%d", 1+i/62500, 1+i/250%250, 1+i%250), Version: "2016",
			Serial: versions["2016"].serial, Roles: versions["2016"].roles, Site: defaultSite, Installed: Clock.AddDate(-1, 0, 0),
			Dead: i < o.Dead,
		}
		in := "https://" + s.FQDN(org)
		s.SCP = in + "/Autodiscover/Autodiscover.xml"
		s.VDirs = []VDir{on(ews, in, ext), on(oab, in, ext), on(owa, in, ext), on(ecp, in, ext), on(eas, in, ext), on(mapi, in, ext)}
		switch {
		case i%20 == 19:
			s.Serves.IIS = "expired"
		case i%10 == 9:
			s.Serves.IIS = "public-only"
		default:
			s.Serves.IIS = "everything"
		}
		org.Servers = append(org.Servers, s)
	}
	// mail.contoso.com points at the first live server.
	org.Records = publicDNS(org.Servers[min(o.Dead, o.Servers-1)].IP)
	notBefore, notAfter := Clock.AddDate(0, -2, 0), Clock.AddDate(0, 10, 0)
	return &Scenario{
		Name:        fmt.Sprintf("generated-%d", o.Servers),
		Description: fmt.Sprintf("a generated organisation of %d Exchange servers (%d dead)", o.Servers, o.Dead),
		Org:         org,
		Services:    []int{443},
		Certs: map[string]CertSpec{
			"everything":  {CN: "mail.contoso.com", Names: []string{"mail.contoso.com", "autodiscover.contoso.com", "*.contoso.local"}, NotBefore: notBefore, NotAfter: notAfter},
			"public-only": mailCert(notBefore, notAfter),
			"expired":     {CN: "mail.contoso.com", Names: []string{"mail.contoso.com", "autodiscover.contoso.com", "*.contoso.local"}, NotBefore: Clock.AddDate(-1, -1, 0), NotAfter: Clock.Add(-24 * time.Hour)},
		},
	}, nil
}
