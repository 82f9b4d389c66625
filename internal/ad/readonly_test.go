package ad

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoWrites keeps the package read-only: no non-test file may name a
// go-ldap write operation or build a write request. ("Add" itself is also
// time.Time's: without an AddRequest, Conn.Add has nothing to send, and the
// lab server records any write that slips through at run time.)
func TestNoWrites(t *testing.T) {
	forbidden := map[string]bool{
		"Modify": true, "ModifyWithResult": true, "Del": true, "ModifyDN": true, "PasswordModify": true,
		"Extended": true, "AddRequest": true, "NewAddRequest": true, "ModifyRequest": true,
		"NewModifyRequest": true, "DelRequest": true, "NewDelRequest": true, "ModifyDNRequest": true,
		"NewModifyDNRequest": true, "PasswordModifyRequest": true, "NewPasswordModifyRequest": true,
		"ExtendedRequest": true, "NewExtendedRequest": true,
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && forbidden[sel.Sel.Name] {
				t.Errorf("%s: uses %s, a directory write", name, sel.Sel.Name)
			}
			return true
		})
	}
}
