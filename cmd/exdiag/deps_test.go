package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// testOnly are packages (or module prefixes) that exist for tests and must
// never be linked into the product binary.
var testOnly = []string{
	"testing",
	"github.com/stretchr/testify/",
	"github.com/davecgh/go-spew/",
	"github.com/pmezard/go-difflib/",
	"gopkg.in/yaml.v3",
}

// TestBinaryLinksNoTestPackages lists what `go build ./cmd/exdiag` links,
// for Linux and for Windows, and fails for each test package in it with
// the chain of imports that brings it.
func TestBinaryLinksNoTestPackages(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	const root = "github.com/exdiag/exdiag/cmd/exdiag"
	for _, goos := range []string{"linux", "windows"} {
		graph := importGraph(t, goTool, goos)
		if _, ok := graph[root]; !ok {
			t.Fatalf("go list -deps (GOOS=%s) does not list %s", goos, root)
		}
		for pkg := range graph {
			if isTestOnly(pkg) {
				t.Errorf("the binary links the test package %s (GOOS=%s):\n  %s", pkg, goos, strings.Join(importChain(graph, root, pkg), " -> "))
			}
		}
	}
}

func isTestOnly(pkg string) bool {
	for _, p := range testOnly {
		if pkg == p || strings.HasSuffix(p, "/") && strings.HasPrefix(pkg, p) || strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return false
}

// importGraph maps each package the binary links to the packages it imports.
func importGraph(t *testing.T, goTool, goos string) map[string][]string {
	t.Helper()
	cmd := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", ".")
	cmd.Env = append(os.Environ(), "GOOS="+goos)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps (GOOS=%s): %v\n%s", goos, err, stderr.String())
	}
	graph := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 {
			graph[f[0]] = f[1:]
		}
	}
	return graph
}

// importChain is a shortest chain of imports from root to pkg, or nil
// when there is none.
func importChain(graph map[string][]string, root, pkg string) []string {
	prev := map[string]string{root: ""}
	queue := []string{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == pkg {
			var chain []string
			for ; p != ""; p = prev[p] {
				chain = append([]string{p}, chain...)
			}
			return chain
		}
		for _, q := range graph[p] {
			if _, seen := prev[q]; !seen {
				prev[q] = p
				queue = append(queue, q)
			}
		}
	}
	return nil
}
