package remedy

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/diag"
)

// codeConstants parses internal/diag/finding.go and returns the value of
// every constant of type Code, so that a code added there without an
// explanation fails this test.
func codeConstants(t *testing.T) []diag.Code {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "../diag/finding.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []diag.Code
	for _, decl := range file.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
				continue
			}
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Fatalf("a Code constant is not a string literal: %T", v)
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				codes = append(codes, diag.Code(s))
			}
		}
	}
	if len(codes) < 20 {
		t.Fatalf("found only %d Code constants in finding.go: the parser missed them", len(codes))
	}
	return codes
}

func TestEveryCodeConstantIsExplained(t *testing.T) {
	consts := codeConstants(t)
	for _, c := range consts {
		if _, ok := Explain(c); !ok {
			t.Errorf("code %q (internal/diag/finding.go) has no explanation", c)
		}
	}
	for _, e := range Explanations() {
		if !slices.Contains(consts, e.Code) {
			t.Errorf("explanation of %q, which is not a code in internal/diag/finding.go", e.Code)
		}
	}
}

// readmeCodes returns the severity of each code in README.md's "Finding
// codes" table.
func readmeCodes(t *testing.T) map[diag.Code]string {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[diag.Code]string{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			in = strings.TrimSpace(strings.TrimLeft(line, "#")) == "Finding codes"
			continue
		}
		if !in || !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 4 {
			t.Fatalf("README row %q has too few cells", line)
		}
		// A row may list several codes: | `a`, `b` | info | … |
		for _, c := range strings.Split(cells[1], ",") {
			out[diag.Code(strings.Trim(strings.TrimSpace(c), "`"))] = strings.TrimSpace(cells[2])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 {
		t.Fatalf("found only %d rows in README.md's Finding codes table", len(out))
	}
	return out
}

func TestEveryReadmeCodeIsExplained(t *testing.T) {
	for code, sev := range readmeCodes(t) {
		e, ok := Explain(code)
		if !ok {
			t.Errorf("README.md lists %q, which has no explanation", code)
			continue
		}
		// A code whose severity varies (cert-weak-signature) may list several.
		if !strings.Contains(sev, e.Severity.String()) {
			t.Errorf("%s: README.md says severity %q, the explanation %q", code, sev, e.Severity)
		}
	}
}

func TestExplanationsAreComplete(t *testing.T) {
	all := Explanations()
	for i, e := range all {
		sections := map[string]string{"Title": e.Title, "Means": e.Means, "UserSees": e.UserSees, "Why": e.Why, "Fix": e.Fix}
		for name, s := range sections {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s: %s is empty", e.Code, name)
			}
		}
		if strings.Contains(e.Title, "\n") || len(e.Title) > 60 {
			t.Errorf("%s: title %q is not one short line", e.Code, e.Title)
		}
		if i > 0 && all[i-1].Code >= e.Code {
			t.Errorf("Explanations not sorted or duplicated at %q", e.Code)
		}
		for _, kb := range e.KB {
			if kb == "" {
				t.Errorf("%s: empty reference", e.Code)
			}
		}
	}
	if n := len(allExplanations()); n != len(all) {
		t.Errorf("%d explanations written, %d distinct codes: a code is explained twice", n, len(all))
	}
}

// TestExplanationsQuoteTheKB pins the facts the issue asks the texts to
// carry: the exact dialog texts, the version-specific cmdlets, the KBs.
func TestExplanationsQuoteTheKB(t *testing.T) {
	want := map[diag.Code][]string{
		diag.CodeNameMismatch:          {"The name of the security certificate is invalid or does not match the name of the site", "Set-ClientAccessService", "Set-ClientAccessServer", "Set-UMVirtualDirectory", "only in Exchange 2007", "MSExchangeAutodiscoverAppPool", "Add-DnsServerResourceRecordA"},
		diag.CodeCertExpired:           {"The security certificate has expired or is not yet valid", "New-ExchangeCertificate", "Enable-ExchangeCertificate"},
		diag.CodeCertUntrusted:         {"The security certificate was issued by a company you have not chosen to trust"},
		diag.CodePrincipalNameMismatch: {"Mutual Authentication could not be established", "An encrypted connection to your mail server is not available", "Set-OutlookProvider EXPR -CertPrincipalName"},
		diag.CodeStartTLSMissing:       {"12014", "12015", "New-EdgeSubscription", "-Services SMTP"},
		diag.CodeCertSelfSigned:        {"Outlook Anywhere", "ActiveSync"},
	}
	kbs := map[diag.Code]string{diag.CodeNameMismatch: kb940726, diag.CodePrincipalNameMismatch: kb2710606, diag.CodeStartTLSMissing: kb953354, diag.CodeCertSelfSigned: selfSigned}
	for code, phrases := range want {
		e, _ := Explain(code)
		all := e.Means + e.UserSees + e.Why + e.Fix
		for _, p := range phrases {
			if !strings.Contains(all, p) {
				t.Errorf("%s does not say %q", code, p)
			}
		}
		if kb, ok := kbs[code]; ok && !slices.Contains(e.KB, kb) {
			t.Errorf("%s does not cite %s", code, kb)
		}
	}
}

func TestExplainReturnsCopies(t *testing.T) {
	e, _ := Explain(diag.CodeNameMismatch)
	e.KB[0] = "changed"
	if again, _ := Explain(diag.CodeNameMismatch); again.KB[0] == "changed" {
		t.Error("Explain shares its KB slice with the caller")
	}
	if _, ok := Explain("no-such-code"); ok {
		t.Error("Explain found an unknown code")
	}
}
