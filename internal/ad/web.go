package ad

import (
	"fmt"
	"strings"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
)

// Autodiscover service connection point keywords. Clients search for these
// exact GUIDs; AD compares keywords case-insensitively.
const (
	scpURLKeyword     = "77378F46-2C66-4aa9-A6A6-3E7A48B19596"
	scpPointerKeyword = "67661d7F-8FC4-4fa7-BFAC-E1D7794C1F68"
)

// vdirServices maps virtual directory classes to services. Classes not
// listed (PushNotifications, Rest, …) publish nothing clients are sent to.
var vdirServices = []struct {
	class   string
	service inventory.Service
}{
	{"msExchWebServicesVirtualDirectory", inventory.ServiceEWS},
	{"msExchOABVirtualDirectory", inventory.ServiceOAB},
	{"msExchUMVirtualDirectory", inventory.ServiceUM},
	{"msExchOWAVirtualDirectory", inventory.ServiceOWA},
	{"msExchECPVirtualDirectory", inventory.ServiceECP},
	{"msExchMobileVirtualDirectory", inventory.ServiceActiveSync},
	{"msExchMapiVirtualDirectory", inventory.ServiceMAPI},
	{"msExchAutodiscoverVirtualDirectory", inventory.ServiceAutodiscover},
	{"msExchRpcHttpVirtualDirectory", inventory.ServiceOutlookAnywhere},
	{"msExchPowerShellVirtualDirectory", inventory.ServicePowerShell},
}

// vdir reads the InternalUrl (msExchInternalHostName) and ExternalUrl
// (msExchExternalHostName) of a virtual directory.
func (c *converter) vdir(e Entry, p dnPath) {
	server := c.serverName(p.server())
	c.vdirs[strings.ToLower(server)]++
	name := p.at(0).val
	// Exchange 2013+ back-end vdirs listen on 444 behind the front end and
	// are not meant to be configured.
	if strings.HasSuffix(strings.ToLower(name), "(exchange back end)") {
		return
	}
	var service inventory.Service
	for _, v := range vdirServices {
		if e.IsA(v.class) {
			service = v.service
		}
	}
	if service == "" {
		return
	}
	for _, a := range []struct {
		attr  string
		scope inventory.Scope
	}{{"msExchInternalHostName", inventory.ScopeInternal}, {"msExchExternalHostName", inventory.ScopeExternal}} {
		src := inventory.Source{Service: service, Scope: a.scope, Server: server, Object: name, DN: e.DN, Attribute: a.attr}
		for _, v := range c.values(e, a.attr, src) {
			if strings.TrimSpace(v) == "" {
				continue
			}
			url, s := v, src
			if service == inventory.ServiceOutlookAnywhere && !strings.Contains(v, "://") {
				// Outlook Anywhere may store a bare host name (ExternalHostname);
				// clients reach it at https://host/rpc.
				url, s.Value = "https://"+strings.TrimSpace(v)+"/rpc", v
			}
			c.endpoint(url, s, nil)
		}
	}
}

// scp reads an Autodiscover service connection point: a URL SCP
// (AutoDiscoverServiceInternalUri) or a pointer to another forest.
func (c *converter) scp(e Entry, p dnPath) {
	var isURL, isPointer bool
	var sites, domains []string
	for _, k := range e.Get("keywords") {
		switch {
		case strings.EqualFold(k, scpURLKeyword):
			isURL = true
		case strings.EqualFold(k, scpPointerKeyword):
			isPointer = true
		case len(k) > 5 && strings.EqualFold(k[:5], "site="):
			sites = append(sites, k[5:])
		case len(k) > 7 && strings.EqualFold(k[:7], "domain="):
			domains = append(domains, k[7:])
		}
	}
	if !isURL && !isPointer {
		return
	}
	object := p.at(0).val
	src := inventory.Source{Service: inventory.ServiceAutodiscoverSCP, Scope: inventory.ScopeInternal,
		Server: c.serverName(p.server()), Object: object, DN: e.DN, Attribute: "serviceBindingInformation"}
	values := c.values(e, "serviceBindingInformation", src)
	if !isURL {
		for _, v := range values {
			msg := fmt.Sprintf("Autodiscover SCP pointer %s sends Outlook to %q", object, v)
			if len(domains) > 0 {
				msg += " for " + strings.Join(domains, ", ")
			}
			c.note(catalog.SCPPointer, msg+"; exdiag does not follow it: check that directory with --ldap-url", src)
		}
		return
	}
	n := 0
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			c.endpoint(v, src, sites)
			n++
		}
	}
	if n == 0 {
		c.note(catalog.SCPEmpty, fmt.Sprintf("Autodiscover SCP %s has no URL (serviceBindingInformation): Outlook ignores it", object), src)
	}
}

// provider reads an Outlook provider (EXCH, EXPR, WEB).
func (c *converter) provider(e Entry, p dnPath) {
	c.org.Providers = append(c.org.Providers, inventory.OutlookProvider{
		Name:              p.at(0).val,
		DN:                e.DN,
		CertPrincipalName: c.first(e, "msExchAutoDiscoverCertPrincipalName"),
		Server:            c.first(e, "msExchAutoDiscoverServer"),
	})
}
