package diag

import (
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
)

// mailOff finds the POP3 and IMAP4 services that are simply not started.
// Setup creates their settings on every server with connection settings on
// the server's own name and none external, and leaves the services off
// ("POP3 client connectivity isn't enabled", learn.microsoft.com, Enable
// and configure POP3). When every port such a settings object names
// refuses the connection, the service is off, not broken: the judge says so
// once per server and protocol instead of an unreachable error per port.
// It returns the settings objects, by DN.
func (j *judge) mailOff() map[string]*inventory.PopImapSettings {
	if j.in.Org == nil {
		return nil
	}
	fqdn := map[string]string{}
	for _, s := range j.in.Org.Servers {
		fqdn[strings.ToLower(s.Name)] = strings.ToLower(s.FQDN)
	}
	refused := map[string]bool{}
	for _, eo := range j.in.Obs.Endpoints {
		dn := eo.Endpoint.Source.DN
		if s := eo.Endpoint.Source.Service; dn == "" || s != inventory.ServicePOP3 && s != inventory.ServiceIMAP4 {
			continue
		}
		hs := j.in.Obs.Handshakes[eo.Handshake]
		was, seen := refused[dn]
		refused[dn] = (!seen || was) && hs != nil && hs.Err != nil && hs.Err.Kind == probe.ErrRefused
	}
	out := map[string]*inventory.PopImapSettings{}
	for i := range j.in.Org.PopImap {
		p := &j.in.Org.PopImap[i]
		if refused[p.DN] && !publishedMail(p, fqdn[strings.ToLower(p.Server)]) {
			out[p.DN] = p
		}
	}
	return out
}

// publishedMail reports settings an administrator changed to offer the
// service: external settings, or internal ones on another name than the
// server's own.
func publishedMail(p *inventory.PopImapSettings, serverFQDN string) bool {
	if len(p.ExternalConnectionSettings) > 0 {
		return true
	}
	for _, v := range p.InternalConnectionSettings {
		host, _, _ := strings.Cut(strings.TrimSpace(v), ":")
		if !strings.EqualFold(host, serverFQDN) {
			return true
		}
	}
	return false
}

// mailDisabled reports each service mailOff found, once.
func (j *judge) mailDisabled() {
	for _, eo := range j.in.Obs.Endpoints {
		p := j.off[eo.Endpoint.Source.DN]
		if p == nil {
			continue
		}
		name, services := "POP3", "MSExchangePOP3"
		if p.Protocol == inventory.ServiceIMAP4 {
			name, services = "IMAP4", "MSExchangeIMAP4"
		}
		start := "start " + services + " and set it to start automatically"
		if srv := j.server(p.Server); srv == nil || srv.Version.Major >= 15 {
			// The back-end services exist from Exchange 2013.
			start = "start " + services + " and " + services + "BE and set them to start automatically"
		}
		f := Finding{Code: catalog.MailServiceDisabled, Severity: Info, Host: strings.ToLower(p.Server)}
		if srv := j.server(p.Server); srv != nil && srv.FQDN != "" {
			f.Host = strings.ToLower(srv.FQDN)
		}
		f.Message = fmt.Sprintf("%s is not enabled on %s: nothing answers at %s, and no external %s settings are published. "+
			"Setup leaves %s off; nothing needs fixing unless users need %s: then %s.", name, p.Server, j.portsOf(p.DN), name, name, name, start)
		j.add(f, p.DN, eo)
	}
}

// portsOf lists the addresses tried for a settings object's endpoints.
func (j *judge) portsOf(dn string) string {
	var out []string
	for _, eo := range j.in.Obs.Endpoints {
		if eo.Endpoint.Source.DN != dn || eo.ParseErr != nil {
			continue
		}
		hp := net.JoinHostPort(eo.Target.Host, fmt.Sprint(eo.Target.Port))
		if !slices.Contains(out, hp) {
			out = append(out, hp)
		}
	}
	return strings.Join(out, " and ")
}

// server is the inventory's server named name.
func (j *judge) server(name string) *inventory.Server {
	for i := range j.in.Org.Servers {
		if strings.EqualFold(j.in.Org.Servers[i].Name, name) {
			return &j.in.Org.Servers[i]
		}
	}
	return nil
}
