package report

import (
	"github.com/exdiag/exdiag/internal/diag"
)

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
	// Certificate is the SHA-256 key of the leaf the URL served, or "".
	Certificate string `json:"certificate"`
}

// jsonStoredCert is a certificate read from a directory attribute: its
// role, the index of the directory value in "sources", and its SHA-256 key
// in "certificates".
type jsonStoredCert struct {
	Role        string `json:"role"`
	Source      int    `json:"source"`
	Certificate string `json:"certificate"`
}

// addDirectory lists the certificates the directory stores among the
// document's certificates, and their attributes among its sources.
func (ix *jsonIndex) addDirectory(rep *diag.Report) {
	for i := range rep.DirectoryCertificates {
		dc := &rep.DirectoryCertificates[i]
		if _, ok := ix.byThumb[dc.Cert.Thumbprint]; !ok {
			ix.byThumb[dc.Cert.Thumbprint] = &dc.Cert
			ix.certs = append(ix.certs, &dc.Cert)
		}
		ix.sources.Add(&dc.Source)
	}
}

func (ix *jsonIndex) site(v *diag.SiteView) jsonSite {
	s := jsonSite{Site: v.Site, Servers: nonNil(v.Servers), SCPs: make([]jsonSiteSCP, len(v.SCPs))}
	for i, c := range v.SCPs {
		s.SCPs[i] = jsonSiteSCP{Server: c.Server, URL: c.URL, Rank: c.Rank, Scope: nonNil(c.Scope), ServerSite: c.ServerSite, Certificate: ix.key(c.Thumbprint)}
	}
	return s
}

func (ix *jsonIndex) storedCert(c *diag.StoredCertificate) jsonStoredCert {
	n, _ := ix.sources.Add(&c.Source)
	return jsonStoredCert{Role: c.Role, Source: n, Certificate: ix.key(c.Cert.Thumbprint)}
}
