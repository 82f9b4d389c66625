package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/term"
)

var update = flag.Bool("update", false, "rewrite golden files")

type fixture struct {
	name string
	rep  *diag.Report
}

func fixtures() []fixture {
	return []fixture{
		{"contoso", contosoReport()},
		{"dns", dnsReport()},
		{"clean", cleanReport()},
		{"hostile", hostileReport()},
		{"renewal", renewalReport()},
	}
}

func render(t testing.TB, rep *diag.Report, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, rep, opts); err != nil {
		t.Fatalf("Render(%s): %v", opts.Format, err)
	}
	return buf.String()
}

func checkGolden(t *testing.T, file, got string) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	exts := []struct {
		ext    string
		format Format
	}{{"txt", Text}, {"md", Markdown}, {"html", HTML}, {"json", JSON}}
	for _, fx := range fixtures() {
		for _, e := range exts {
			t.Run(fx.name+"."+e.ext, func(t *testing.T) {
				got := render(t, fx.rep, Options{Format: e.format, ToolVersion: "1.0.0-test"})
				checkGolden(t, fx.name+"."+e.ext+".golden", got)
			})
		}
	}
	for _, fx := range fixtures() {
		for _, e := range []struct {
			ext    string
			format Format
		}{{"verbose.txt", Text}, {"verbose.md", Markdown}} {
			t.Run(fx.name+"."+e.ext, func(t *testing.T) {
				got := render(t, fx.rep, Options{Format: e.format, ToolVersion: "1.0.0-test", Verbose: true})
				checkGolden(t, fx.name+"."+e.ext+".golden", got)
			})
		}
	}
	t.Run("contoso.color.txt", func(t *testing.T) {
		got := render(t, contosoReport(), Options{Format: Text, Palette: term.NewPalette(true)})
		checkGolden(t, "contoso.color.txt.golden", got)
	})
}

func TestColour(t *testing.T) {
	off := render(t, contosoReport(), Options{Format: Text, Palette: term.NewPalette(false)})
	if strings.Contains(off, "\x1b") {
		t.Error("colour-off text contains an escape")
	}
	if zero := render(t, contosoReport(), Options{}); zero != off {
		t.Error("zero Options differ from text without colour")
	}
	on := render(t, contosoReport(), Options{Format: Text, Palette: term.NewPalette(true)})
	if !strings.Contains(on, "\x1b[") {
		t.Error("colour-on text has no escape")
	}
	for _, word := range []string{"ERROR", "WARN", "INFO"} {
		if !strings.Contains(on, word) {
			t.Errorf("colour-on text lacks the word %s", word)
		}
	}
	for _, f := range []Format{Markdown, JSON} {
		if out := render(t, contosoReport(), Options{Format: f, Palette: term.NewPalette(true)}); strings.Contains(out, "\x1b") {
			t.Errorf("%s output is coloured", f)
		}
	}
}

func TestJSONParses(t *testing.T) {
	for _, fx := range fixtures() {
		out := render(t, fx.rep, Options{Format: JSON})
		var doc struct {
			Schema  string
			Summary struct{ Verdict string }
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
		if doc.Schema != Schema {
			t.Errorf("%s: schema %q, want %q", fx.name, doc.Schema, Schema)
		}
		want := "pass"
		if countFindings(fx.rep.Findings).errors > 0 {
			want = "fail"
		}
		if doc.Summary.Verdict != want {
			t.Errorf("%s: verdict %q, want %q", fx.name, doc.Summary.Verdict, want)
		}
		if !strings.HasSuffix(out, "}\n") {
			t.Errorf("%s: no trailing newline", fx.name)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "Markdown": Markdown, "JSON": JSON, "html": HTML} {
		if got, err := ParseFormat(in); got != want || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	_, err := ParseFormat("yaml")
	if want := `unknown --format "yaml" (want text, markdown, html, json, junit or nagios)`; err == nil || err.Error() != want {
		t.Errorf("ParseFormat(yaml) error = %v, want %s", err, want)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderErrors(t *testing.T) {
	for _, f := range []Format{Text, Markdown, HTML, JSON} {
		if err := Render(failWriter{}, contosoReport(), Options{Format: f}); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: err = %v, want the writer's error", f, err)
		}
	}
	if err := Render(&bytes.Buffer{}, contosoReport(), Options{Format: "yaml"}); err == nil {
		t.Error("unknown format: no error")
	}
	if err := Render(&bytes.Buffer{}, nil, Options{}); err == nil {
		t.Error("nil report: no error")
	}
}

// A URL published by several directory objects is listed once per
// address, in the endpoint tables of --verbose text and Markdown; without
// --verbose there is no endpoint table.
func TestTextListsEachEndpointOnce(t *testing.T) {
	ep := diag.Endpoint{URL: "https://mail.contoso.com/owa", Host: "mail.contoso.com", Address: "10.0.0.5:443"}
	rep := &diag.Report{Endpoints: []diag.Endpoint{ep, ep, {URL: ep.URL, Host: ep.Host, Address: "10.0.0.6:443"}}}
	for _, f := range []Format{Text, Markdown} {
		for verbose, want := range map[bool]int{true: 2, false: 0} {
			var b strings.Builder
			if err := Render(&b, rep, Options{Format: f, Verbose: verbose}); err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(b.String(), "mail.contoso.com/owa"); n != want {
				t.Errorf("%s, verbose %v: URL listed %d times, want %d:\n%s", f, verbose, n, want, b.String())
			}
		}
	}
}
