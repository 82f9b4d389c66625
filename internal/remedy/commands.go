package remedy

import (
	"net"
	"net/url"
	"strings"

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

// raw appends text exdiag wrote itself (a switch, a variable).
func (c *command) raw(s string) *command {
	c.b.WriteString(" " + s)
	return c
}

func (c *command) String() string { return c.b.String() }

// setHostCommand returns the command that moves the value held at src to
// newHost, or "" with the reason when exdiag cannot write one.
func setHostCommand(src inventory.Source, srv *inventory.Server, oldURL, newHost string) (cmd, why string) {
	if src.Server == "" || src.Origin == inventory.OriginFlag {
		return "", "exdiag does not know which Exchange object holds this URL (it was given with --url)"
	}
	newURL, ok := moveURL(oldURL, newHost)
	if !ok {
		return "", "the current value is not a URL exdiag can rewrite"
	}
	var c *command
	switch src.Service {
	case inventory.ServiceAutodiscoverSCP:
		c = newCommand(clientAccessCmdlet(srv)).arg("Identity", src.Server).arg("AutoDiscoverServiceInternalUri", newURL)
	case inventory.ServiceOutlookAnywhere:
		param := "ExternalHostname"
		if src.Scope == inventory.ScopeInternal {
			param = "InternalHostname"
		}
		c = newCommand("Set-OutlookAnywhere").arg("Identity", identity(src)).arg(param, newHost)
	case inventory.ServicePOP3:
		c = newCommand("Set-PopSettings").arg("Server", src.Server).arg("X509CertificateName", newHost)
	case inventory.ServiceIMAP4:
		c = newCommand("Set-ImapSettings").arg("Server", src.Server).arg("X509CertificateName", newHost)
	case inventory.ServiceSMTP:
		c = newCommand("Set-ReceiveConnector").arg("Identity", identity(src)).arg("Fqdn", newHost)
	default:
		cmdlet, ok := vdirCmdlets[src.Service]
		if !ok {
			return "", "exdiag has no command for " + string(src.Service) + " URLs"
		}
		if src.Service == inventory.ServiceUM && srv != nil && srv.Version.Known() && srv.Version.Product() != "2007" {
			return "", "Set-UMVirtualDirectory exists only in Exchange 2007; from Exchange 2010 on, clients use the EWS URL instead"
		}
		param := "ExternalUrl"
		if src.Scope == inventory.ScopeInternal {
			param = "InternalUrl"
		}
		c = newCommand(cmdlet).arg("Identity", identity(src)).arg(param, newURL)
	}
	if c.err != nil {
		return "", "a value from the directory holds control characters or line breaks, so exdiag will not put it into a command"
	}
	return c.String(), ""
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
