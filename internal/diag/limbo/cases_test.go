// Package limbo_test runs exdiag's certificate verdicts against
// x509-limbo (github.com/C2SP/x509-limbo), the public test suite of X.509
// path validation: each server-validation case is served over TLS on
// loopback, probed and judged as `exdiag check` does, and the verdict is
// compared with the suite's expectation and with the list of known
// differences in testdata/differences.txt.
package limbo_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// limboCase is one test case of limbo.json (limbo-schema.json upstream),
// with the fields this tier uses.
type limboCase struct {
	ID                     string   `json:"id"`
	ConflictsWith          []string `json:"conflicts_with"`
	Features               []string `json:"features"`
	Description            string   `json:"description"`
	ValidationKind         string   `json:"validation_kind"`
	TrustedCerts           []string `json:"trusted_certs"`
	UntrustedIntermediates []string `json:"untrusted_intermediates"`
	PeerCertificate        string   `json:"peer_certificate"`
	PeerCertificateKey     *string  `json:"peer_certificate_key"`
	ValidationTime         *string  `json:"validation_time"`
	ExtendedKeyUsage       []string `json:"extended_key_usage"`
	ExpectedResult         string   `json:"expected_result"`
	ExpectedPeerName       *struct {
		Kind  string `json:"kind"`
		Value string `json:"value"`
	} `json:"expected_peer_name"`
	MaxChainDepth *int  `json:"max_chain_depth"`
	CRLs          []any `json:"crls"`
}

// wantAccept is the suite's expectation.
func (c *limboCase) wantAccept() bool { return c.ExpectedResult == "SUCCESS" }

// peer is the name the client connects to: a DNS name or an IP address.
func (c *limboCase) peer() string { return c.ExpectedPeerName.Value }

// defaultTime is the validation time of the cases that name none: upstream
// harnesses use the current time, and those cases' certificates are valid
// from 1970 to 2969, so a fixed instant keeps the tier deterministic.
var defaultTime = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// at is the case's validation time (--as-of).
func (c *limboCase) at() (time.Time, error) {
	if c.ValidationTime == nil {
		return defaultTime, nil
	}
	return time.Parse(time.RFC3339Nano, *c.ValidationTime)
}

// loadCases reads the suite.
func loadCases(t testing.TB) []*limboCase {
	t.Helper()
	data, err := os.ReadFile("testdata/limbo.json")
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Version   int          `json:"version"`
		Testcases []*limboCase `json:"testcases"`
	}
	if err := json.Unmarshal(data, &suite); err != nil {
		t.Fatalf("limbo.json: %v", err)
	}
	if len(suite.Testcases) == 0 {
		t.Fatal("limbo.json holds no test case")
	}
	return suite.Testcases
}

// outOfScope says why a case is outside what exdiag judges, or "" when it
// applies: exdiag is a TLS client checking servers by DNS name or address,
// without revocation, depth limits or certificate policies.
func outOfScope(c *limboCase) string {
	hasFeature := func(prefix string) bool {
		return slices.ContainsFunc(c.Features, func(f string) bool { return strings.HasPrefix(f, prefix) })
	}
	switch {
	case c.ValidationKind != "SERVER":
		return "client validation (exdiag checks servers)"
	case c.ExpectedPeerName == nil || (c.ExpectedPeerName.Kind != "DNS" && c.ExpectedPeerName.Kind != "IP"):
		return "no DNS or IP peer name"
	case len(c.CRLs) > 0 || hasFeature("has-crl"):
		return "revocation (the suite hands CRLs to the validator; exdiag fetches them from distribution points)"
	case c.MaxChainDepth != nil || hasFeature("max-chain-depth"):
		return "harness chain-depth limit"
	case hasFeature("has-policy-constraints"):
		return "certificate policy constraints"
	case hasFeature("pedantic-"):
		return "pedantic profile (pedantic-*)"
	}
	return ""
}

// selectCases splits the suite into the cases exdiag is judged on and the
// count of the others per reason.
func selectCases(all []*limboCase) (applicable []*limboCase, skipped map[string]int) {
	skipped = map[string]int{}
	inScope := map[string]bool{}
	for _, c := range all {
		inScope[c.ID] = outOfScope(c) == ""
	}
	for _, c := range all {
		r := outOfScope(c)
		if r == "" && slices.ContainsFunc(c.ConflictsWith, func(id string) bool { return inScope[id] }) {
			// The rfc5280 and webpki variants of one certificate expect
			// opposite results; the suite has no single answer for them.
			r = "conflicting expectations (rfc5280 and webpki variants)"
		}
		if r != "" {
			skipped[r]++
			continue
		}
		applicable = append(applicable, c)
	}
	return applicable, skipped
}
