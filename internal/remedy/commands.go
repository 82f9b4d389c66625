package remedy

import (
	"net"
	"net/url"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

// vdirCmdlets maps a virtual directory service to the cmdlet that sets its
// InternalUrl and ExternalUrl (exchange-ad.md §3.2).
var vdirCmdlets = map[inventory.Service]string{
	inventory.ServiceEWS:          "Set-WebServicesVirtualDirectory",
	inventory.ServiceOAB:          "Set-OABVirtualDirectory",
	inventory.ServiceUM:           "Set-UMVirtualDirectory",
	inventory.ServiceOWA:          "Set-OwaVirtualDirectory",
	inventory.ServiceECP:          "Set-EcpVirtualDirectory",
	inventory.ServiceActiveSync:   "Set-ActiveSyncVirtualDirectory",
	inventory.ServiceMAPI:         "Set-MapiVirtualDirectory",
	inventory.ServiceAutodiscover: "Set-AutodiscoverVirtualDirectory",
	inventory.ServicePowerShell:   "Set-PowerShellVirtualDirectory",
}

// moveURL rewrites raw to newHost, keeping scheme, port and path; plain
// http:// becomes https:// (Exchange 2007's default OAB URL is http://).
func moveURL(raw, newHost string) (string, bool) {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "", false
	}
	if strings.EqualFold(u.Scheme, "http") {
		u.Scheme = "https"
		if u.Port() == "80" {
			u.Host = u.Hostname()
		}
	}
	if p := u.Port(); p != "" {
		u.Host = net.JoinHostPort(newHost, p)
	} else {
		u.Host = newHost
	}
	return u.String(), true
}

// command builds a cmdlet invocation; every value is single-quoted. It
// fails when a value is unsafe to put into a command.
type command struct {
	b   strings.Builder
	err error
}

func newCommand(cmdlet string) *command {
	c := &command{}
	c.b.WriteString(cmdlet)
	return c
}

// arg appends "-Name 'value'".
func (c *command) arg(name, value string) *command {
	q, err := Quote(value)
	if err != nil && c.err == nil {
		c.err = err
	}
	c.b.WriteString(" -" + name + " " + q)
	return c
}

// list appends "-Name 'a','b'", a PowerShell array of quoted values.
func (c *command) list(name string, values []string) *command {
	c.b.WriteString(" -" + name + " ")
	for i, v := range values {
		q, err := Quote(v)
		if err != nil && c.err == nil {
			c.err = err
		}
		if i > 0 {
			c.b.WriteByte(',')
		}
		c.b.WriteString(q)
	}
	return c
}

// then ends the statement; the next part starts a new one on the same line.
func (c *command) then() *command {
	c.b.WriteString(";")
	return c
}

// raw appends text exdiag wrote itself (a switch, a variable).
func (c *command) raw(s string) *command {
	c.b.WriteString(" " + s)
	return c
}

// appendTo appends the command to c, as one more part of c's line.
func (d *command) appendTo(c *command) {
	c.raw(d.String())
	if d.err != nil && c.err == nil {
		c.err = d.err
	}
}

func (c *command) String() string { return c.b.String() }

// setHost returns the steps that move the value held at src to newHost, or
// the reason exdiag cannot write them. The URL moves to https:// too.
func (r *remedier) setHost(src inventory.Source, oldURL, newHost string) ([]diag.Fix, string) {
	if src.Server == "" || src.Origin == inventory.OriginFlag {
		return nil, "exdiag does not know which Exchange object holds this URL (it was given with --url)"
	}
	t := r.target(src.Server)
	newURL, ok := moveURL(oldURL, newHost)
	if !ok {
		return nil, "the current value is not a URL exdiag can rewrite"
	}
	var c *command
	var then []diag.Fix
	switch src.Service {
	case inventory.ServiceAutodiscoverSCP:
		c = newCommand(clientAccessCmdlet(r.server(src.Server))).arg("Identity", src.Server).arg("AutoDiscoverServiceInternalUri", newURL)
	case inventory.ServiceOutlookAnywhere:
		var why string
		if c, why = outlookAnywhere(t, src, oldURL, newHost); c == nil {
			return nil, why
		}
	case inventory.ServicePOP3, inventory.ServiceIMAP4:
		c = r.mailSettings(src, newHost)
		then = append(then, t.restartMail(src.Service))
	case inventory.ServiceSMTP:
		return nil, "Set-ReceiveConnector -Fqdn would change the name the connector announces; exdiag fixes the certificate instead"
	default:
		cmdlet, ok := vdirCmdlets[src.Service]
		if !ok {
			return nil, "exdiag has no command for " + string(src.Service) + " URLs"
		}
		if why := vdirUnavailable(src.Service, t); why != "" {
			return nil, why
		}
		param := "ExternalUrl"
		if src.Scope == inventory.ScopeInternal {
			param = "InternalUrl"
		}
		c = newCommand(cmdlet).arg("Identity", identity(src)).arg(param, newURL)
	}
	if c.err != nil {
		return nil, "a value from the directory holds control characters or line breaks, so exdiag will not put it into a command"
	}
	fx := diag.Fix{Comment: describe(src, oldURL, newHost), Shell: "powershell", Command: c.String(), Server: src.Server}
	return append([]diag.Fix{fx}, then...), ""
}

// vdirUnavailable says why a virtual directory cmdlet does not exist on t:
// Set-UMVirtualDirectory only on Exchange 2007 (KB 940726), the ECP and
// PowerShell directories from 2010, MAPI over HTTP from 2013 SP1 (15.0.847).
func vdirUnavailable(svc inventory.Service, t target) string {
	if !t.version.Known() {
		return ""
	}
	switch {
	case svc == inventory.ServiceUM && t.product() != "2007":
		return "Set-UMVirtualDirectory exists only in Exchange 2007; from Exchange 2010 on, clients use the EWS URL instead"
	case (svc == inventory.ServiceECP || svc == inventory.ServicePowerShell) && t.product() == "2007":
		return "Exchange 2007 has no " + string(svc) + " virtual directory cmdlet"
	case svc == inventory.ServiceMAPI && !t.version.AtLeast(15, 0, 847):
		return "Set-MapiVirtualDirectory exists from Exchange 2013 SP1 on"
	}
	return ""
}

// outlookAnywhere moves an Outlook Anywhere host name. InternalHostname and
// the *ClientsRequireSsl switches exist from Exchange 2013 (Set-OutlookAnywhere,
// "Applicable: Exchange Server 2013, …"); the scheme of the stored URL is
// what *ClientsRequireSsl sets, so an http:// value needs the switch, not a
// host name.
func outlookAnywhere(t target, src inventory.Source, oldURL, newHost string) (*command, string) {
	internal := src.Scope == inventory.ScopeInternal
	if internal && !t.modern() {
		return nil, "InternalHostname exists only from Exchange 2013; on Exchange " + orUnknown(t.product()) + " set Outlook Anywhere's internal name in the client's profile"
	}
	c := newCommand("Set-OutlookAnywhere").arg("Identity", identity(src))
	param, ssl := "ExternalHostname", "ExternalClientsRequireSsl"
	if internal {
		param, ssl = "InternalHostname", "InternalClientsRequireSsl"
	}
	plain := strings.HasPrefix(strings.ToLower(strings.TrimSpace(oldURL)), "http://")
	if !strings.EqualFold(hostOfURL(oldURL), newHost) {
		c.arg(param, newHost)
	}
	if plain {
		if !t.modern() {
			return nil, "Outlook Anywhere on Exchange " + orUnknown(t.product()) + " has no ExternalClientsRequireSsl switch; require SSL on the Rpc virtual directory in IIS Manager (SSL Settings) and set -SSLOffloading $false"
		}
		c.raw("-" + ssl + " $true")
	}
	return c, ""
}

// mailSettings points POP3 or IMAP4 at newHost where the host came from:
// the connection settings clients are told (keeping each value's port and
// encryption), and the certificate name the service picks its certificate by.
func (r *remedier) mailSettings(src inventory.Source, newHost string) *command {
	cmdlet := "Set-PopSettings"
	if src.Service == inventory.ServiceIMAP4 {
		cmdlet = "Set-ImapSettings"
	}
	c := newCommand(cmdlet).arg("Server", src.Server)
	settings := r.popImap(src.DN)
	for _, a := range []struct {
		attr, param string
		values      func(*inventory.PopImapSettings) []string
	}{
		{"msExchPOPIMAPInternalConnectionSettings", "InternalConnectionSettings", func(p *inventory.PopImapSettings) []string { return p.InternalConnectionSettings }},
		{"msExchPOPIMAPExternalConnectionSettings", "ExternalConnectionSettings", func(p *inventory.PopImapSettings) []string { return p.ExternalConnectionSettings }},
	} {
		if src.Attribute != a.attr || settings == nil {
			continue
		}
		old, _, _ := strings.Cut(src.Value, ":")
		var moved []string
		for _, v := range a.values(settings) {
			if host, rest, ok := strings.Cut(v, ":"); ok && strings.EqualFold(host, old) {
				v = newHost + ":" + rest
			}
			moved = append(moved, v)
		}
		c.list(a.param, moved)
	}
	return c.arg("X509CertificateName", newHost)
}

func (r *remedier) popImap(dn string) *inventory.PopImapSettings {
	if r.in.Org == nil {
		return nil
	}
	for i := range r.in.Org.PopImap {
		if r.in.Org.PopImap[i].DN == dn {
			return &r.in.Org.PopImap[i]
		}
	}
	return nil
}

// hostOfURL is the host of a stored URL or bare host name.
func hostOfURL(raw string) string {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// clientAccessCmdlet is Set-ClientAccessService from Exchange 2016 on, and
// Set-ClientAccessServer on 2007, 2010 and 2013 (and when the version is unknown,
// since 2016 and later still accept it).
func clientAccessCmdlet(srv *inventory.Server) string {
	if srv != nil {
		switch srv.Version.Product() {
		case "2016", "2019", "SE":
			return "Set-ClientAccessService"
		}
	}
	return "Set-ClientAccessServer"
}

// identity is the -Identity of a per-server object: 'EX01\EWS (Default Web Site)'.
func identity(src inventory.Source) string {
	if src.Object == "" {
		return src.Server
	}
	return src.Server + `\` + src.Object
}
