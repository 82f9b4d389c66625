package catalog

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// codeConstants parses codes.go and returns the value of every constant of
// type Code, so that a code added there without an entry fails this test.
func codeConstants(t *testing.T) []Code {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []Code
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
				codes = append(codes, Code(s))
			}
		}
	}
	if len(codes) < 20 {
		t.Fatalf("found only %d Code constants in codes.go: the parser missed them", len(codes))
	}
	return codes
}

func TestEveryCodeHasAnEntry(t *testing.T) {
	consts := codeConstants(t)
	for _, c := range consts {
		if _, ok := Lookup(c); !ok {
			t.Errorf("code %q (codes.go) has no entry", c)
		}
	}
	for _, e := range All() {
		if !slices.Contains(consts, e.Code) {
			t.Errorf("entry of %q, which is not a code in codes.go", e.Code)
		}
	}
}

// readmeCodes returns the severity of each code in README.md's "Finding
// codes" table.
func readmeCodes(t *testing.T) map[Code]string {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[Code]string{}
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
			out[Code(strings.Trim(strings.TrimSpace(c), "`"))] = strings.TrimSpace(cells[2])
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

func TestReadmeTableMatchesTheCatalogue(t *testing.T) {
	for code, sev := range readmeCodes(t) {
		e, ok := Lookup(code)
		if !ok {
			t.Errorf("README.md lists %q, which has no entry", code)
			continue
		}
		// A code whose severity varies (cert-weak-signature) may list several.
		if !strings.Contains(sev, e.Severity.String()) {
			t.Errorf("%s: README.md says severity %q, the entry %q", code, sev, e.Severity)
		}
	}
}

func TestEntriesAreComplete(t *testing.T) {
	all := All()
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
			t.Errorf("entries not sorted or duplicated at %q", e.Code)
		}
		for _, kb := range e.KB {
			if kb == "" {
				t.Errorf("%s: empty reference", e.Code)
			}
		}
	}
	if n := len(written()); n != len(all) {
		t.Errorf("%d entrys written, %d distinct codes: a code is explained twice", n, len(all))
	}
}

// TestentriesQuoteTheKB pins the facts the issue asks the texts to
// carry: the exact dialog texts, the version-specific cmdlets, the KBs.
func TestEntriesQuoteTheKB(t *testing.T) {
	want := map[Code][]string{
		NameMismatch:          {"The name of the security certificate is invalid or does not match the name of the site", "Set-ClientAccessService", "Set-ClientAccessServer", "Set-UMVirtualDirectory", "only in Exchange 2007", "MSExchangeAutodiscoverAppPool", "Add-DnsServerResourceRecordA"},
		CertExpired:           {"The security certificate has expired or is not yet valid", "New-ExchangeCertificate", "Enable-ExchangeCertificate"},
		CertUntrusted:         {"The security certificate was issued by a company you have not chosen to trust"},
		PrincipalNameMismatch: {"Mutual Authentication could not be established", "An encrypted connection to your mail server is not available", "Set-OutlookProvider EXPR -CertPrincipalName"},
		StartTLSMissing:       {"12014", "12015", "New-EdgeSubscription", "-Services SMTP"},
		CertSelfSigned:        {"Outlook Anywhere", "ActiveSync"},
	}
	kbs := map[Code]string{NameMismatch: kb940726, PrincipalNameMismatch: kb2710606, StartTLSMissing: kb953354, CertSelfSigned: selfSigned}
	for code, phrases := range want {
		e, _ := Lookup(code)
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

func TestLookupReturnsCopies(t *testing.T) {
	e, _ := Lookup(NameMismatch)
	e.KB[0] = "changed"
	if again, _ := Lookup(NameMismatch); again.KB[0] == "changed" {
		t.Error("Explain shares its KB slice with the caller")
	}
	if _, ok := Lookup("no-such-code"); ok {
		t.Error("Explain found an unknown code")
	}
}

// producers are the packages whose rules emit findings (diag) and notes (ad).
var producers = []string{"../diag", "../ad"}

// emitted returns the catalogue constants that the non-test code of the
// producers names (catalog.X), by constant name.
func emitted(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, dir := range producers {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == "catalog" {
						out[sel.Sel.Name] = true
					}
				}
				return true
			})
		}
	}
	return out
}

// Every code is emitted by some rule of diag or note of ad: a code that
// nothing reports must not be documented (and README's table is held to
// the catalogue by TestReadmeTableMatchesTheCatalogue).
func TestEveryCodeIsEmitted(t *testing.T) {
	names := map[Code]string{}
	file, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, decl := range file.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
						v, _ := strconv.Unquote(lit.Value)
						names[Code(v)] = id.Name
					}
				}
			}
		}
	}
	used := emitted(t)
	for _, e := range All() {
		if !used[names[e.Code]] {
			t.Errorf("%s (catalog.%s) is documented but no rule in %v emits it", e.Code, names[e.Code], producers)
		}
	}
}

// Each entry names the clients it affects, except the reader's notes and
// the checks of the run's own expectations, which affect no client.
func TestEntriesNameTheirClients(t *testing.T) {
	noClients := map[Code]bool{CertUnexpected: true, CertNegativeSerial: true}
	for _, e := range All() {
		if len(e.Clients) == 0 && !e.Note && !noClients[e.Code] {
			t.Errorf("%s names no client it affects", e.Code)
		}
	}
}
