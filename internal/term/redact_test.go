package term

import (
	"bytes"
	"strings"
	"testing"
)

// A secret is replaced however the writes split it, and what is held back
// for a possible secret reaches the stream on Flush.
func TestRedactSplitWrites(t *testing.T) {
	r := &Redactor{}
	r.Add("hunter2")
	text := "bind failed with hunter2; retry hunt, then hunter"
	for cut := 0; cut <= len(text); cut++ {
		var out bytes.Buffer
		w := r.writer(&out)
		w.Write([]byte(text[:cut]))
		w.Write([]byte(text[cut:]))
		w.Flush()
		if want := "bind failed with [redacted]; retry hunt, then hunter"; out.String() != want {
			t.Fatalf("cut at %d: %q, want %q", cut, out.String(), want)
		}
	}
}

// Every form the renderers write a secret in is caught.
func TestRedactForms(t *testing.T) {
	r := &Redactor{}
	r.Add(`p"<&>'\`)
	for _, form := range []string{`p"<&>'\`, `p\"\u003c\u0026\u003e'\\`, `p\"<&>'\\`, `p&#34;&lt;&amp;&gt;&#39;\`, `p%22%3C%26%3E%27%5C`} {
		var out bytes.Buffer
		w := r.writer(&out)
		w.Write([]byte("x " + form + " y"))
		w.Flush()
		if out.String() != "x [redacted] y" {
			t.Errorf("%q came out as %q", form, out.String())
		}
	}
}

// Without secrets the writer passes every write through untouched.
func TestRedactNothing(t *testing.T) {
	var out bytes.Buffer
	w := (&Redactor{}).writer(&out)
	w.Write([]byte("\x1b[2Kprogress 1/2\r"))
	if out.String() != "\x1b[2Kprogress 1/2\r" {
		t.Errorf("got %q", out.String())
	}
}

// IO.Redact covers both streams.
func TestIORedacts(t *testing.T) {
	io, out, errOut := Test("", nil)
	io.Redact("S3cret")
	io.Out.Write([]byte("out S3cret"))
	io.ErrOut.Write([]byte("err S3cr"))
	io.ErrOut.Write([]byte("et"))
	io.Flush()
	if got := out.String() + "|" + errOut.String(); strings.Contains(got, "S3cret") || got != "out [redacted]|err [redacted]" {
		t.Errorf("got %q", got)
	}
}
