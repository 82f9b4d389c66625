package cli

import (
	"bytes"
	"encoding/json"
	"testing"
)

// v1 is the exdiag.report/v1 document, as that schema wrote it: every
// endpoint embedding its certificate and chain, every finding its sources,
// indented by two spaces. It is rebuilt here from the v2 document (with
// --verbose, which keeps the DNs v1 had) to measure what v2 saves.
type (
	v1Doc struct {
		Schema       string          `json:"schema"`
		GeneratedAt  string          `json:"generatedAt"`
		Tool         json.RawMessage `json:"tool"`
		Org          string          `json:"org,omitempty"`
		Summary      json.RawMessage `json:"summary"`
		DNSServers   []string        `json:"dnsServers"`
		Endpoints    []v1Endpoint    `json:"endpoints"`
		Certificates []v1Cert        `json:"certificates"`
		Findings     []v1Finding     `json:"findings"`
	}
	v1Endpoint struct {
		URL         string          `json:"url"`
		Scheme      string          `json:"scheme"`
		Host        string          `json:"host"`
		Port        int             `json:"port"`
		Address     string          `json:"address"`
		Source      json.RawMessage `json:"source"`
		TLSVersion  string          `json:"tlsVersion"`
		Certificate v1Cert          `json:"certificate"`
		Chain       []v1Cert        `json:"chain"`
		Error       string          `json:"error"`
	}
	v1Finding struct {
		Code       string            `json:"code"`
		Severity   string            `json:"severity"`
		URL        string            `json:"url"`
		URLs       []string          `json:"urls"`
		Host       string            `json:"host"`
		Address    string            `json:"address"`
		Message    string            `json:"message"`
		Thumbprint string            `json:"thumbprint"`
		Sources    []json.RawMessage `json:"sources"`
		Fix        json.RawMessage   `json:"fix"`
	}
	// v1Cert is a certificate object as v2 lists it, with the sha256 field
	// v1 had; whatever v2 adds to a certificate, v1 would have embedded too.
	v1Cert map[string]any
)

// The demo's all scenario is at least five times smaller in JSON v2 than
// in v1: each certificate and directory value is listed once.
func TestJSONv2IsFiveTimesSmaller(t *testing.T) {
	l := labScenario(t, "all")
	v2, _, _ := runLab(t, l, 0, "--format", "json")
	full, _, _ := runLab(t, l, 0, "--format", "json", "--verbose")
	var doc struct {
		GeneratedAt  string            `json:"generatedAt"`
		Tool         json.RawMessage   `json:"tool"`
		Org          string            `json:"org"`
		Summary      json.RawMessage   `json:"summary"`
		DNSServers   []string          `json:"dnsServers"`
		Certificates map[string]v1Cert `json:"certificates"`
		Sources      []json.RawMessage `json:"sources"`
		Endpoints    []struct {
			URL, Scheme, Host, Address, TLSVersion, Certificate, Error string
			Port                                                       int
			Issuers                                                    []string
			Sources                                                    []int
		} `json:"endpoints"`
		Findings []struct {
			Code, Severity, Host, Address, Message, Certificate string
			URLs                                                []string
			Sources                                             []int
			Fix                                                 json.RawMessage
		} `json:"findings"`
	}
	decodeJSON(t, full, &doc)
	cert := func(key string) v1Cert {
		c := v1Cert{"sha256": key}
		for k, v := range doc.Certificates[key] {
			if k != "exchangeDefault" { // new in v2
				c[k] = v
			}
		}
		return c
	}
	v1 := v1Doc{Schema: "exdiag.report/v1", GeneratedAt: doc.GeneratedAt, Tool: doc.Tool, Org: doc.Org, Summary: doc.Summary, DNSServers: doc.DNSServers}
	leaves := map[string]bool{}
	for _, ep := range doc.Endpoints {
		for _, src := range ep.Sources {
			e := v1Endpoint{URL: ep.URL, Scheme: ep.Scheme, Host: ep.Host, Port: ep.Port, Address: ep.Address,
				Source: doc.Sources[src], TLSVersion: ep.TLSVersion, Error: ep.Error, Chain: []v1Cert{}}
			if ep.Certificate != "" {
				c := cert(ep.Certificate)
				e.Certificate = c
				e.Chain = append(e.Chain, c)
				leaves[ep.Certificate] = true
			}
			for _, k := range ep.Issuers {
				e.Chain = append(e.Chain, cert(k))
			}
			v1.Endpoints = append(v1.Endpoints, e)
		}
	}
	for k := range leaves {
		v1.Certificates = append(v1.Certificates, cert(k))
	}
	for _, f := range doc.Findings {
		g := v1Finding{Code: f.Code, Severity: f.Severity, URLs: f.URLs, Host: f.Host, Address: f.Address, Message: f.Message,
			Fix: f.Fix, Sources: []json.RawMessage{}}
		if tp, ok := doc.Certificates[f.Certificate]["thumbprint"].(string); ok {
			g.Thumbprint = tp
		}
		if len(f.URLs) > 0 {
			g.URL = f.URLs[0]
		}
		for _, s := range f.Sources {
			g.Sources = append(g.Sources, doc.Sources[s])
		}
		v1.Findings = append(v1.Findings, g)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v1); err != nil {
		t.Fatal(err)
	}
	ratio := float64(b.Len()) / float64(len(v2))
	t.Logf("all scenario: JSON v1 %d bytes, v2 %d bytes (%d with --verbose): %.2f times smaller", b.Len(), len(v2), len(full), ratio)
	if ratio < 5 {
		t.Errorf("v2 is %.2f times smaller than v1, want at least 5", ratio)
	}
}
