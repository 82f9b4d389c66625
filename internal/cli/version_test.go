package cli

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOf(t *testing.T) {
	mod := func(v string) *debug.BuildInfo { return &debug.BuildInfo{Main: debug.Module{Version: v}} }
	tests := []struct {
		name    string
		stamped string
		bi      *debug.BuildInfo
		ok      bool
		want    string
	}{
		{"make dist", "v1.2.3", mod("v0.0.0-20260601120000-0123456789ab"), true, "v1.2.3"},
		{"go install @v1.2.3", "", mod("v1.2.3"), true, "v1.2.3"},
		{"go build in a checkout", "", mod("v0.0.0-20260601120000-0123456789ab+dirty"), true, "v0.0.0-20260601120000-0123456789ab+dirty"},
		{"go run", "", mod("(devel)"), true, "devel"},
		{"no build info", "", nil, false, "devel"},
	}
	for _, tt := range tests {
		if got := versionOf(tt.stamped, tt.bi, tt.ok); got != tt.want {
			t.Errorf("%s: versionOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestWriteVersion(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "f03c803abcdef0123456789abcdef0123456789a"},
		{Key: "vcs.time", Value: "2026-06-01T12:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	var buf bytes.Buffer
	writeVersion(&buf, "v1.2.3", bi, true)
	platform := runtime.GOOS + "/" + runtime.GOARCH
	want := "exdiag v1.2.3\ncommit f03c803abcdef0123456789abcdef0123456789a (modified)\ndate   2026-06-01T12:00:00Z\ngo     go1.26.0 " + platform + "\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	buf.Reset()
	writeVersion(&buf, "v1.2.3", &debug.BuildInfo{}, true)
	if want := "exdiag v1.2.3\ncommit unknown\ndate   unknown\ngo     " + runtime.Version() + " " + platform + "\n"; buf.String() != want {
		t.Errorf("without VCS stamp: got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestVersionCommand(t *testing.T) {
	code, out, errOut := runForTest(t, "version")
	if code != ExitOK || errOut != "" || !strings.HasPrefix(out, "exdiag v9.9.9-test\ncommit ") || !strings.Contains(out, "\ngo     go1.") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, _ := runForTest(t, "version", "extra"); code != ExitUsage {
		t.Errorf("version extra: exit %d, want %d", code, ExitUsage)
	}
}
