package report

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
)

// jsonFields is the exdiag.report/v2 contract: the field names at every
// level. Changing a line here is a change of the contract that CI scripts
// depend on; removing or renaming a field needs a new Schema.
// ".certificates.*" stands for every certificate under its SHA-256 key.
var jsonFields = map[string]string{
	".":                            "asOf certificates directoryCertificates dnsServers endpoints findings generatedAt org schema servers sites sources summary tool",
	".sites[]":                     "scps servers site",
	".sites[].scps[]":              "certificate rank scope server serverSite url",
	".directoryCertificates[]":     "certificate role source",
	".tool":                        "name version",
	".summary":                     "errors handshakes hosts infos urls verdict warnings",
	".certificates.*":              certFields,
	".certificates.*.revocation[]": "detail internal kind revokedAt state url",
	".sources[]":                   "attribute object origin scope server service",
	".endpoints[]":                 "address certificate error host issuers port scheme sources tlsVersion url",
	".servers[]":                   "address certificate error host port server service",
	".findings[]":                  "address certificate code fix host message servers severity sources urls",
	".findings[].fix[]":            "command comment local server shell",
}

const certFields = "commonName exchangeDefault issuer keyAlgorithm notAfter notBefore revocation sans selfSigned serialNumber signatureAlgorithm subject thumbprint"

// collectKeys records the sorted keys of every object in v under its path;
// arrays contribute the union of their elements' keys.
func collectKeys(path string, v any, out map[string]string) {
	switch v := v.(type) {
	case map[string]any:
		if path == ".certificates" {
			for _, child := range v {
				collectKeys(path+".*", child, out)
			}
			return
		}
		keys := make([]string, 0, len(v))
		for k, child := range v {
			keys = append(keys, k)
			p := path + "." + k
			if path == "" {
				p = "." + k
			}
			collectKeys(p, child, out)
		}
		if old, ok := out[orRoot(path)]; ok {
			keys = append(keys, strings.Fields(old)...)
		}
		slices.Sort(keys)
		out[orRoot(path)] = strings.Join(slices.Compact(keys), " ")
	case []any:
		for _, e := range v {
			collectKeys(path+"[]", e, out)
		}
	}
}

func orRoot(p string) string {
	if p == "" {
		return "."
	}
	return p
}

func TestJSONFieldsArePinned(t *testing.T) {
	// contosoReport fills every omitempty field somewhere, with a server
	// that could not be checked and an endpoint that served nothing.
	rep := contosoReport()
	rep.Servers = []diag.ServerCert{{Server: "EX02", Host: "mail.contoso.com", Port: 443, Service: "IIS", Error: "refused"}}
	rep.Endpoints = append(rep.Endpoints, diag.Endpoint{URL: "https://down.contoso.com/owa", Host: "down.contoso.com", Error: "refused"})
	out := render(t, rep, Options{Format: JSON, ToolVersion: "1.0.0"})
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	collectKeys("", doc, got)
	if diff := cmp.Diff(jsonFields, got); diff != "" {
		t.Errorf("JSON field names changed (-want +got):\n%s", diff)
	}
}

func TestJSONArraysAreNeverNull(t *testing.T) {
	rep := &diag.Report{
		GeneratedAt: now,
		Endpoints:   []diag.Endpoint{{URL: "https://x.example/owa"}},
		Findings:    []diag.Finding{{Code: catalog.URLInvalid, Host: "x.example"}},
	}
	out := render(t, rep, Options{Format: JSON})
	if strings.Contains(out, "null") {
		t.Errorf("unexpected null in:\n%s", out)
	}
	for _, field := range []string{`"dnsServers": []`, `"certificates": {}`, `"issuers":[]`, `"urls":[]`, `"sources":[]`, `"servers":[]`, `"fix":[]`} {
		if !strings.Contains(out, field) {
			t.Errorf("want %s in:\n%s", field, out)
		}
	}
	empty := render(t, &diag.Report{GeneratedAt: now}, Options{Format: JSON})
	for _, field := range []string{`"endpoints": []`, `"findings": []`, `"sites": []`, `"directoryCertificates": []`} {
		if !strings.Contains(empty, field) {
			t.Errorf("want %s in:\n%s", field, empty)
		}
	}
}

func TestJSONSeverityAndTimes(t *testing.T) {
	rep := contosoReport()
	rep.AsOf = now.AddDate(1, 0, 0)
	out := render(t, rep, Options{Format: JSON})
	for _, want := range []string{
		`"generatedAt": "2026-06-01T12:00:00Z"`, `"asOf": "2027-06-01T12:00:00Z"`, `"severity":"error"`, `"severity":"warning"`, `"severity":"info"`,
		`"notAfter":"2026-06-13T09:30:00Z"`, `"verdict":"fail"`, `"errors":2`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %s in JSON output", want)
		}
	}
}

// jsonDoc is the part of a v2 document the reference tests read.
type jsonDoc struct {
	Certificates map[string]struct{ Thumbprint string }
	Sources      []struct{ Server, Object, DN string }
	Endpoints    []struct {
		URL, Certificate string
		Issuers          []string
		Sources          []int
	}
	Servers  []struct{ Server, Certificate string }
	Findings []struct {
		Code, Certificate string
		Sources, Servers  []int
		Fix               []struct {
			Server string
			Local  bool
		}
	}
}

// Every reference resolves: certificate keys are SHA-256 fingerprints
// listed under "certificates", source and server indices are in range, and
// each certificate is listed once however many endpoints serve it.
func TestJSONReferencesResolve(t *testing.T) {
	rep := contosoReport()
	rep.Servers = []diag.ServerCert{{Server: "EX01", Host: "mail.contoso.com", Port: 443, Service: "IIS", Leaf: mailCert.Thumbprint}}
	rep.Findings[0].Servers = rep.Servers
	out := render(t, rep, Options{Format: JSON})
	var doc jsonDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out, `"thumbprint":"`+mailCert.Thumbprint+`"`); got != 1 {
		t.Errorf("the mail certificate is listed %d times, want once", got)
	}
	cert := func(where, key string) {
		if key == "" {
			return
		}
		if _, ok := doc.Certificates[key]; !ok {
			t.Errorf("%s names certificate %q, which is not listed", where, key)
		}
	}
	for _, ep := range doc.Endpoints {
		cert(ep.URL, ep.Certificate)
		for _, k := range ep.Issuers {
			cert(ep.URL+" issuer", k)
		}
		for _, i := range ep.Sources {
			if i < 0 || i >= len(doc.Sources) {
				t.Errorf("%s: source %d out of range", ep.URL, i)
			}
		}
	}
	for _, f := range doc.Findings {
		cert(f.Code, f.Certificate)
		for _, i := range f.Sources {
			if i < 0 || i >= len(doc.Sources) {
				t.Errorf("%s: source %d out of range", f.Code, i)
			}
		}
		for _, i := range f.Servers {
			if i < 0 || i >= len(doc.Servers) {
				t.Errorf("%s: server %d out of range", f.Code, i)
			}
		}
	}
	if doc.Findings[0].Certificate != mailCert.SHA256 && doc.Findings[0].Certificate != ex01Cert.SHA256 {
		t.Errorf("finding certificate %q is not a SHA-256 key", doc.Findings[0].Certificate)
	}
	if len(doc.Findings[0].Servers) != 1 || doc.Servers[0].Certificate != mailCert.SHA256 {
		t.Errorf("servers-disagree's servers not referenced: %+v, %+v", doc.Findings[0].Servers, doc.Servers)
	}
}

// DNs are most of a source's size: only --verbose writes them.
func TestJSONDNsOnlyVerbose(t *testing.T) {
	for verbose, want := range map[bool]bool{false: false, true: true} {
		out := render(t, contosoReport(), Options{Format: JSON, Verbose: verbose})
		if got := strings.Contains(out, `"dn":"CN=`); got != want {
			t.Errorf("verbose %v: DNs written %v, want %v", verbose, got, want)
		}
	}
}
