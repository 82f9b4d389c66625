package report

import "github.com/exdiag/exdiag/internal/diag"

// jsonSite is what the Outlook clients of one AD site find in the
// directory: the Autodiscover SCPs in the order they try them.
type jsonSite struct {
	Site    string        `json:"site"`
	Servers []string      `json:"servers"`
	SCPs    []jsonSiteSCP `json:"scps"`
}

type jsonSiteSCP struct {
	Server     string   `json:"server"`
	URL        string   `json:"url"`
	Rank       string   `json:"rank"` // in-site, unscoped, other-site
	Scope      []string `json:"scope"`
	ServerSite string   `json:"serverSite"`
	Thumbprint string   `json:"thumbprint"`
}

// jsonStoredCert is a certificate read from a directory attribute.
type jsonStoredCert struct {
	Role        string     `json:"role"`
	Source      jsonSource `json:"source"`
	Certificate jsonCert   `json:"certificate"`
}

func toJSONSite(v *diag.SiteView) jsonSite {
	s := jsonSite{Site: v.Site, Servers: nonNil(v.Servers), SCPs: make([]jsonSiteSCP, len(v.SCPs))}
	for i, c := range v.SCPs {
		s.SCPs[i] = jsonSiteSCP{Server: c.Server, URL: c.URL, Rank: c.Rank, Scope: nonNil(c.Scope), ServerSite: c.ServerSite, Thumbprint: c.Thumbprint}
	}
	return s
}

func toJSONStoredCert(c *diag.StoredCertificate) jsonStoredCert {
	return jsonStoredCert{Role: c.Role, Source: toJSONSource(c.Source), Certificate: toJSONCert(&c.Cert)}
}
