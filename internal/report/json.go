package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/safetext"
)

// The JSON types below are the exdiag.report/v1 contract. Field names are
// pinned by json_test.go; add fields freely, but renaming or removing one
// needs a new Schema. Arrays are never null so that CI scripts can iterate
// without checks.

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
	DN        string `json:"dn,omitempty"`
	Attribute string `json:"attribute,omitempty"`
}

type jsonEndpoint struct {
	URL         string     `json:"url"`
	Scheme      string     `json:"scheme"`
	Host        string     `json:"host"`
	Port        int        `json:"port"`
	Address     string     `json:"address"`
	Source      jsonSource `json:"source"`
	TLSVersion  string     `json:"tlsVersion"`
	Certificate *jsonCert  `json:"certificate"`
	Chain       []jsonCert `json:"chain"`
	Error       string     `json:"error"`
}

type jsonCert struct {
	Subject            string   `json:"subject"`
	CommonName         string   `json:"commonName"`
	SANs               []string `json:"sans"`
	Issuer             string   `json:"issuer"`
	NotBefore          string   `json:"notBefore"`
	NotAfter           string   `json:"notAfter"`
	SerialNumber       string   `json:"serialNumber"`
	Thumbprint         string   `json:"thumbprint"`
	SHA256             string   `json:"sha256"`
	SelfSigned         bool     `json:"selfSigned"`
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
	Code       string       `json:"code"`
	Severity   string       `json:"severity"`
	URL        string       `json:"url"`
	URLs       []string     `json:"urls"`
	Host       string       `json:"host"`
	Address    string       `json:"address"`
	Message    string       `json:"message"`
	Thumbprint string       `json:"thumbprint"`
	Sources    []jsonSource `json:"sources"`
	Fix        []jsonFix    `json:"fix"`
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

func renderJSON(w *bufio.Writer, rep *diag.Report, version string) error {
	c := countFindings(rep.Findings)
	verdict := "pass"
	if c.errors > 0 {
		verdict = "fail"
	}
	// The document is written field by field and element by element, so a
	// report of thousands of endpoints never sits in memory twice; the bytes
	// are those of encoding the whole document with a two-space indent.
	s := &jsonStream{w: w}
	s.raw("{\n")
	s.field("schema", Schema)
	s.field("generatedAt", timestamp(rep.GeneratedAt))
	s.field("tool", jsonTool{Name: "exdiag", Version: version})
	if rep.Org != "" {
		s.field("org", rep.Org)
	}
	s.field("summary", jsonSummary{
		Verdict: verdict, URLs: rep.Summary.URLs, Hosts: rep.Summary.Hosts, Handshakes: rep.Summary.Handshakes,
		Errors: c.errors, Warnings: c.warnings, Infos: c.infos,
	})
	s.field("dnsServers", nonNil(rep.DNSServers))
	certs := certIndex(rep)
	s.array("endpoints", len(rep.Endpoints), func(i int) any {
		ep := &rep.Endpoints[i]
		je := jsonEndpoint{
			URL: ep.URL, Scheme: ep.Scheme, Host: ep.Host, Port: ep.Port, Address: ep.Address,
			Source: toJSONSource(ep.Source), TLSVersion: ep.TLSVersion, Error: ep.Error,
			Chain: make([]jsonCert, len(ep.Chain)),
		}
		if c := leaf(ep, certs); c != nil {
			jc := toJSONCert(c)
			je.Certificate = &jc
		}
		for j := range ep.Chain {
			je.Chain[j] = toJSONCert(&ep.Chain[j])
		}
		return je
	})
	s.array("certificates", len(rep.Certificates), func(i int) any { return toJSONCert(&rep.Certificates[i]) })
	s.last = true
	s.array("findings", len(rep.Findings), func(i int) any {
		f := &rep.Findings[i]
		jf := jsonFinding{
			Code: string(f.Code), Severity: f.Severity.String(), URL: f.URL(), URLs: nonNil(f.URLs),
			Host: f.Host, Address: f.Address, Message: f.Message, Thumbprint: f.Thumbprint,
			Sources: make([]jsonSource, len(f.Sources)), Fix: make([]jsonFix, len(f.Fix)),
		}
		for j, src := range f.Sources {
			jf.Sources[j] = toJSONSource(src)
		}
		for j, fx := range f.Fix {
			jf.Fix[j] = jsonFix{Comment: fx.Comment, Shell: fx.Shell, Command: fx.Command, Server: fx.Server, Local: fx.Local}
		}
		return jf
	})
	s.raw("}\n")
	return s.err
}

// jsonStream writes one JSON object member by member.
type jsonStream struct {
	w    *bufio.Writer
	buf  bytes.Buffer
	last bool // the next member is the object's last
	err  error
}

func (s *jsonStream) raw(text string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(text)
	}
}

// value writes v encoded as at the given indentation depth (in two-space steps).
func (s *jsonStream) value(v any, depth int) {
	if s.err != nil {
		return
	}
	s.buf.Reset()
	enc := json.NewEncoder(&s.buf)
	enc.SetIndent(strings.Repeat("  ", depth), "  ")
	// The document is for scripts, never embedded in HTML: keep < > & as is.
	enc.SetEscapeHTML(false)
	if s.err = enc.Encode(v); s.err != nil {
		return
	}
	_, s.err = s.w.Write(escapeInvisible(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n"))))
}

func (s *jsonStream) field(name string, v any) {
	s.raw("  " + strconv.Quote(name) + ": ")
	s.value(v, 1)
	s.end()
}

func (s *jsonStream) end() {
	if s.last {
		s.raw("\n")
	} else {
		s.raw(",\n")
	}
}

// array writes a member holding n elements produced by elem.
func (s *jsonStream) array(name string, n int, elem func(int) any) {
	s.raw("  " + strconv.Quote(name) + ": [")
	for i := range n {
		if i > 0 {
			s.raw(",")
		}
		s.raw("\n    ")
		s.value(elem(i), 2)
	}
	if n > 0 {
		s.raw("\n  ")
	}
	s.raw("]")
	s.end()
}

// escapeInvisible rewrites DEL, C1 controls and bidi overrides, which
// encoding/json leaves raw, as \u escapes, so that `cat report.json` on a
// terminal is as safe as the text format. Such runes can only occur inside
// JSON strings, where the escape decodes to the same value.
func escapeInvisible(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x7f && safetext.Unsafe(r) {
			if out == nil {
				out = make([]byte, 0, len(b)+64)
			}
			out = append(out, b[last:i]...)
			out = fmt.Appendf(out, `\u%04x`, r)
			last = i + size
		}
		i += size
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

func toJSONSource(s inventory.Source) jsonSource {
	return jsonSource{
		Origin: string(s.Origin), Service: string(s.Service), Scope: string(s.Scope),
		Server: s.Server, Object: s.Object, DN: s.DN, Attribute: s.Attribute,
	}
}

func toJSONCert(c *diag.CertInfo) jsonCert {
	return jsonCert{
		Subject: c.Subject, CommonName: c.CommonName, SANs: nonNil(c.SANs), Issuer: c.Issuer,
		NotBefore: timestamp(c.NotBefore), NotAfter: timestamp(c.NotAfter), SerialNumber: c.Serial,
		Thumbprint: c.Thumbprint, SHA256: c.SHA256, SelfSigned: c.SelfSigned,
		KeyAlgorithm: c.KeyAlgorithm, SignatureAlgorithm: c.SignatureAlgorithm,
		Revocation: revocationJSON(c.Revocation),
	}
}

func revocationJSON(rs []diag.RevocationCheck) []jsonRevocation {
	out := make([]jsonRevocation, len(rs))
	for i, r := range rs {
		out[i] = jsonRevocation{Kind: r.Kind, URL: r.URL, State: r.State, Detail: r.Detail, Internal: r.Internal}
		if !r.RevokedAt.IsZero() {
			out[i].RevokedAt = r.RevokedAt.UTC().Format(time.RFC3339)
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
