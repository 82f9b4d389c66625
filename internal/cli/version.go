package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is the release version `make dist` stamps with
//
//	-ldflags "-X github.com/exdiag/exdiag/internal/cli.version=v1.2.3"
//
// It is empty in other builds, whose version comes from the build info:
// the module version for `go install …@v1.2.3`, a pseudo-version for a
// build in a checkout.
var version string

// buildVersion is the version Main gives the factory.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	return versionOf(version, bi, ok)
}

// versionOf prefers the stamped version, then the module version, then
// "devel" (go run, tests).
func versionOf(stamped string, bi *debug.BuildInfo, ok bool) string {
	switch {
	case stamped != "":
		return stamped
	case !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)":
		return "devel"
	}
	return bi.Main.Version
}

// NewCmdVersion prints the version, commit, commit date, Go version and
// platform.
func NewCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print exdiag's version, commit, commit date and Go version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			bi, ok := debug.ReadBuildInfo()
			writeVersion(f.IO.Out, f.Version, bi, ok)
			return nil
		},
	}
}

// writeVersion prints
//
//	exdiag v1.2.3
//	commit 0123abcd… (modified)
//	date   2026-06-01T12:00:00Z
//	go     go1.26.0 windows/amd64
//
// The commit and its date come from the VCS stamp `go build` adds in a git
// checkout (the date is the commit's, so builds stay reproducible);
// `go install …@version` has none, and says "unknown".
func writeVersion(w io.Writer, v string, bi *debug.BuildInfo, ok bool) {
	commit, modified, date := "unknown", "", "unknown"
	goVersion := runtime.Version()
	if ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = " (modified)"
				}
			case "vcs.time":
				date = s.Value
			}
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
	}
	fmt.Fprintf(w, "exdiag %s\ncommit %s%s\ndate   %s\ngo     %s %s/%s\n", v, commit, modified, date, goVersion, runtime.GOOS, runtime.GOARCH)
}
