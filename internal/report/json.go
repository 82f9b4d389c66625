package report

import (
	"bufio"
	"cmp"
	"slices"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

// The JSON types below are the exdiag.report/v2 contract. Field names are
// pinned by json_test.go; add fields freely, but renaming or removing one
// needs a new Schema. Arrays are never null so that CI scripts can iterate
// without checks. Everything is listed once and referenced: certificates
// by SHA-256 (the keys of "certificates"), directory values and per-server
// observations by their index in "sources" and "servers".

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonSummary struct {
	Verdict    string `json:"verdict"` // "fail" with any error finding, else "pass"
	URLs       int    `json:"urls"`
	Hosts      int    `json:"hosts"`
	Handshakes int    `json:"handshakes"`
	Errors     int    `json:"errors"`
	Warnings   int    `json:"warnings"`
	Infos      int    `json:"infos"`
}

type jsonSource struct {
	Origin    string `json:"origin,omitempty"`
	Service   string `json:"service,omitempty"`
	Scope     string `json:"scope,omitempty"`
	Server    string `json:"server,omitempty"`
	Object    string `json:"object,omitempty"`
	Attribute string `json:"attribute,omitempty"`
	// DN is written with --verbose only: it is most of a source's size
	// and scripts find the object by server and name.
	DN string `json:"dn,omitempty"`
}

// jsonEndpoint is one URL as reached: a URL that several directory values
// publish is one endpoint per address and certificate, listing them all.
type jsonEndpoint struct {
	URL        string `json:"url"`
	Scheme     string `json:"scheme"`
	Host       string `json:"host"`
	Port       int    `json:"port"`
	Address    string `json:"address"`
	TLSVersion string `json:"tlsVersion"`
	// Certificate is the leaf's SHA-256 key; Issuers the keys of the
	// certificates sent after it, in order.
	Certificate string   `json:"certificate"`
	Issuers     []string `json:"issuers"`
	// Error says why no certificate was obtained; absent when one was.
	Error   string `json:"error,omitempty"`
	Sources []int  `json:"sources"`
}

type jsonServer struct {
	Server      string `json:"server"`
	Host        string `json:"host"`
	Port        int    `json:"port"`
	Service     string `json:"service"`
	Address     string `json:"address"`
	Certificate string `json:"certificate"`
	Error       string `json:"error,omitempty"`
}

// jsonCert is one certificate, under its SHA-256 key.
type jsonCert struct {
	Subject            string   `json:"subject"`
	CommonName         string   `json:"commonName"`
	SANs               []string `json:"sans"`
	Issuer             string   `json:"issuer"`
	NotBefore          string   `json:"notBefore"`
	NotAfter           string   `json:"notAfter"`
	SerialNumber       string   `json:"serialNumber"`
	Thumbprint         string   `json:"thumbprint"`
	SelfSigned         bool     `json:"selfSigned"`
	ExchangeDefault    bool     `json:"exchangeDefault"`
	KeyAlgorithm       string   `json:"keyAlgorithm"`
	SignatureAlgorithm string   `json:"signatureAlgorithm"`
	// Revocation lists the sources tried and what each said.
	Revocation []jsonRevocation `json:"revocation"`
}

type jsonRevocation struct {
	Kind      string `json:"kind"`
	URL       string `json:"url"`
	State     string `json:"state"`
	Detail    string `json:"detail"`
	RevokedAt string `json:"revokedAt,omitempty"`
	Internal  bool   `json:"internal"`
}

type jsonFinding struct {
	Code     string   `json:"code"`
	Severity string   `json:"severity"`
	URLs     []string `json:"urls"`
	Host     string   `json:"host"`
	Address  string   `json:"address"`
	Message  string   `json:"message"`
	// Certificate is the SHA-256 key of the certificate involved, or "".
	Certificate string    `json:"certificate"`
	Sources     []int     `json:"sources"`
	Servers     []int     `json:"servers"`
	Fix         []jsonFix `json:"fix"`
}

type jsonFix struct {
	Comment string `json:"comment"`
	Shell   string `json:"shell"`
	Command string `json:"command"`
	// Server is the Exchange server the command acts on; Local says it
	// must be typed in a shell on that server.
	Server string `json:"server"`
	Local  bool   `json:"local"`
}

func renderJSON(w *bufio.Writer, rep *diag.Report, opts Options) error {
	c := countFindings(rep.Findings)
	verdict := "pass"
	if c.errors > 0 {
		verdict = "fail"
	}
	ix := indexJSON(rep)
	// The document is written member by member and element by element, one
	// element per line, so a report of thousands of endpoints never sits in
	// memory twice.
	s := &jsonStream{w: w}
	s.raw("{\n")
	s.field("schema", Schema)
	s.field("generatedAt", timestamp(rep.GeneratedAt))
	s.field("asOf", timestamp(asOf(rep)))
	s.field("tool", jsonTool{Name: "exdiag", Version: opts.ToolVersion})
	if rep.Org != "" {
		s.field("org", rep.Org)
	}
	s.field("summary", jsonSummary{
		Verdict: verdict, URLs: rep.Summary.URLs, Hosts: rep.Summary.Hosts, Handshakes: rep.Summary.Handshakes,
		Errors: c.errors, Warnings: c.warnings, Infos: c.infos,
	})
	s.field("dnsServers", nonNil(rep.DNSServers))
	s.object("certificates", len(ix.certs), func(i int) (string, any) {
		return ix.certs[i].SHA256, toJSONCert(ix.certs[i])
	})
	s.array("sources", ix.sources.Len(), func(i int) any { return toJSONSource(*ix.sources.At(i), opts.Verbose) })
	s.array("endpoints", len(ix.endpoints), func(i int) any {
		g := &ix.endpoints[i]
		ep := &rep.Endpoints[g.first]
		je := jsonEndpoint{
			URL: ep.URL, Scheme: ep.Scheme, Host: ep.Host, Port: ep.Port, Address: ep.Address,
			TLSVersion: ep.TLSVersion, Error: ep.Error, Issuers: []string{}, Sources: g.sources,
		}
		if c := leaf(ep, ix.byThumb); c != nil {
			je.Certificate = c.SHA256
		}
		for j := 1; j < len(ep.Chain); j++ {
			je.Issuers = append(je.Issuers, ep.Chain[j].SHA256)
		}
		return je
	})
	s.array("servers", len(rep.Servers), func(i int) any {
		sc := &rep.Servers[i]
		return jsonServer{Server: sc.Server, Host: sc.Host, Port: sc.Port, Service: sc.Service, Address: sc.Address,
			Certificate: ix.key(sc.Leaf), Error: sc.Error}
	})
	s.array("sites", len(rep.Sites), func(i int) any { return ix.site(&rep.Sites[i]) })
	s.array("directoryCertificates", len(rep.DirectoryCertificates), func(i int) any { return ix.storedCert(&rep.DirectoryCertificates[i]) })
	s.last = true
	s.array("findings", len(rep.Findings), func(i int) any {
		f := &rep.Findings[i]
		jf := jsonFinding{
			Code: string(f.Code), Severity: f.Severity.String(), URLs: nonNil(f.URLs),
			Host: f.Host, Address: f.Address, Message: f.Message, Certificate: ix.key(f.Thumbprint),
			Sources: make([]int, 0, len(f.Sources)), Servers: make([]int, 0, len(f.Servers)), Fix: make([]jsonFix, len(f.Fix)),
		}
		for k := range f.Sources {
			n, _ := ix.sources.Add(&f.Sources[k])
			jf.Sources = append(jf.Sources, n)
		}
		for _, sc := range f.Servers {
			if j, ok := ix.serverIndex[sc]; ok {
				jf.Servers = append(jf.Servers, j)
			}
		}
		for j, fx := range f.Fix {
			jf.Fix[j] = jsonFix{Comment: fx.Comment, Shell: fx.Shell, Command: fx.Command, Server: fx.Server, Local: fx.Local}
		}
		return jf
	})
	s.raw("}\n")
	return s.err
}

// jsonIndex is what the document lists once: every certificate (leaves
// and the certificates sent after them), every directory value, and the
// endpoints grouped by URL, address and certificate.
type jsonIndex struct {
	certs       []*diag.CertInfo
	byThumb     map[string]*diag.CertInfo
	sources     inventory.SourceSet // points into the report
	endpoints   []endpointGroup
	serverIndex map[diag.ServerCert]int
}

type endpointGroup struct {
	first   int
	sources []int
}

func indexJSON(rep *diag.Report) *jsonIndex {
	ix := &jsonIndex{byThumb: certIndex(rep), serverIndex: map[diag.ServerCert]int{}}
	for i := range rep.Certificates {
		ix.certs = append(ix.certs, &rep.Certificates[i])
	}
	type key struct{ url, addr, leaf string }
	groups := map[key]int{}
	for i := range rep.Endpoints {
		ep := &rep.Endpoints[i]
		for j := range ep.Chain {
			if _, ok := ix.byThumb[ep.Chain[j].Thumbprint]; !ok {
				ix.byThumb[ep.Chain[j].Thumbprint] = &ep.Chain[j]
				ix.certs = append(ix.certs, &ep.Chain[j])
			}
		}
		k := key{ep.URL, ep.Address, ep.Leaf}
		g, ok := groups[k]
		if !ok {
			g = len(ix.endpoints)
			groups[k] = g
			ix.endpoints = append(ix.endpoints, endpointGroup{first: i})
		}
		src := ep.Source
		if src == nil {
			src = &inventory.Source{}
		}
		if j, _ := ix.sources.Add(src); !slices.Contains(ix.endpoints[g].sources, j) {
			ix.endpoints[g].sources = append(ix.endpoints[g].sources, j)
		}
	}
	for i := range rep.Findings {
		for k := range rep.Findings[i].Sources {
			ix.sources.Add(&rep.Findings[i].Sources[k])
		}
	}
	for i, sc := range rep.Servers {
		if _, ok := ix.serverIndex[sc]; !ok {
			ix.serverIndex[sc] = i
		}
	}
	ix.addDirectory(rep)
	slices.SortStableFunc(ix.certs, func(a, b *diag.CertInfo) int {
		return cmp.Or(cmp.Compare(a.CommonName, b.CommonName), cmp.Compare(a.SHA256, b.SHA256))
	})
	ix.certs = slices.CompactFunc(ix.certs, func(a, b *diag.CertInfo) bool { return a.SHA256 == b.SHA256 })
	return ix
}

// key is the SHA-256 key of the certificate with thumbprint t, or "".
func (ix *jsonIndex) key(t string) string {
	if c := ix.byThumb[t]; c != nil {
		return c.SHA256
	}
	return ""
}

func toJSONSource(s inventory.Source, verbose bool) jsonSource {
	js := jsonSource{
		Origin: string(s.Origin), Service: string(s.Service), Scope: string(s.Scope),
		Server: s.Server, Object: s.Object, Attribute: s.Attribute,
	}
	if verbose {
		js.DN = s.DN
	}
	return js
}

func toJSONCert(c *diag.CertInfo) jsonCert {
	return jsonCert{
		Subject: c.Subject, CommonName: c.CommonName, SANs: nonNil(c.SANs), Issuer: c.Issuer,
		NotBefore: timestamp(c.NotBefore), NotAfter: timestamp(c.NotAfter), SerialNumber: c.Serial,
		Thumbprint: c.Thumbprint, SelfSigned: c.SelfSigned, ExchangeDefault: c.ExchangeDefault,
		KeyAlgorithm: c.KeyAlgorithm, SignatureAlgorithm: c.SignatureAlgorithm,
		Revocation: revocationJSON(c.Revocation),
	}
}

func revocationJSON(rs []diag.RevocationCheck) []jsonRevocation {
	out := make([]jsonRevocation, len(rs))
	for i, r := range rs {
		out[i] = jsonRevocation{Kind: r.Kind, URL: r.URL, State: r.State, Detail: r.Detail, Internal: r.Internal}
		if !r.RevokedAt.IsZero() {
			out[i].RevokedAt = timestamp(r.RevokedAt)
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
