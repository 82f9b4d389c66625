package report

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/diag"
)

// jsonFields is the exdiag.report/v1 contract: the field names at every
// level. Changing a line here is a change of the contract that CI scripts
// depend on; removing or renaming a field needs a new Schema.
var jsonFields = map[string]string{
	".":                                     "certificates dnsServers endpoints findings generatedAt org schema summary tool",
	".tool":                                 "name version",
	".summary":                              "errors handshakes hosts infos urls verdict warnings",
	".endpoints[]":                          "address certificate chain error host port scheme source tlsVersion url",
	".endpoints[].source":                   "attribute dn object origin scope server service",
	".endpoints[].certificate":              certFields,
	".endpoints[].chain[]":                  certFields,
	".certificates[]":                       certFields,
	".certificates[].revocation[]":          "detail internal kind revokedAt state url",
	".endpoints[].certificate.revocation[]": "detail internal kind revokedAt state url",
	".endpoints[].chain[].revocation[]":     "detail internal kind revokedAt state url",
	".findings[]":                           "address code fix host message severity sources thumbprint url urls",
	".findings[].sources[]":                 "attribute dn object origin scope server service",
	".findings[].fix[]":                     "command comment local server shell",
}

const certFields = "commonName issuer keyAlgorithm notAfter notBefore revocation sans selfSigned serialNumber sha256 signatureAlgorithm subject thumbprint"

// collectKeys records the sorted keys of every object in v under its path;
// arrays contribute the union of their elements' keys.
func collectKeys(path string, v any, out map[string]string) {
	switch v := v.(type) {
	case map[string]any:
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
	// contosoReport fills every omitempty field somewhere.
	out := render(t, contosoReport(), Options{Format: JSON, ToolVersion: "1.0.0"})
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
		Findings:    []diag.Finding{{Code: diag.CodeURLInvalid, Host: "x.example"}},
	}
	out := render(t, rep, Options{Format: JSON})
	// The endpoint's certificate is the only field allowed to be null.
	if strings.Count(out, "null") != strings.Count(out, `"certificate": null`) {
		t.Errorf("unexpected null in:\n%s", out)
	}
	for _, field := range []string{`"dnsServers": []`, `"certificates": []`, `"chain": []`, `"urls": []`, `"sources": []`, `"fix": []`} {
		if !strings.Contains(out, field) {
			t.Errorf("want %s in:\n%s", field, out)
		}
	}
	empty := render(t, &diag.Report{GeneratedAt: now}, Options{Format: JSON})
	for _, field := range []string{`"endpoints": []`, `"findings": []`} {
		if !strings.Contains(empty, field) {
			t.Errorf("want %s in:\n%s", field, empty)
		}
	}
}

func TestJSONSeverityAndTimes(t *testing.T) {
	out := render(t, contosoReport(), Options{Format: JSON})
	for _, want := range []string{
		`"generatedAt": "2026-06-01T12:00:00Z"`, `"severity": "error"`, `"severity": "warning"`, `"severity": "info"`,
		`"notAfter": "2026-06-13T09:30:00Z"`, `"verdict": "fail"`, `"errors": 2`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %s in JSON output", want)
		}
	}
}
