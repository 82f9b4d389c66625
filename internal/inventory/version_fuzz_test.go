package inventory

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseSerialNumber: any serialNumber value parses or is refused
// without a panic, and what parses round-trips: String() starts with the
// Major and Minor read, and the version written back as Exchange writes it
// reads back the same.
func FuzzParseSerialNumber(f *testing.F) {
	for _, s := range []string{
		"Version 15.2 (Build 31748.24)", "Version 8.3 (Build 30083.6)", "Version 14.3 (Build 30123.4)",
		"Version 15.1 (Build 32507.006)", "version 6.5 (build 7638.2)", "Version 15.2", "Build 123.4",
		"Version 99999.1 (Build 1.1)", "Version 15.2 (Build 9999999999.99)", "\x1b[31mVersion 15.0 (Build 31497.10)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseSerialNumber(s)
		if err != nil {
			if v != (Version{}) {
				t.Fatalf("ParseSerialNumber(%q) = %+v with error %v", s, v, err)
			}
			if strings.ContainsAny(err.Error(), "\x00\x1b\r\n") {
				t.Fatalf("ParseSerialNumber(%q): the error %q holds raw control characters", s, err)
			}
			return
		}
		if v.Major < 0 || v.Minor < 0 || v.Build < 0 || v.Revision < 0 {
			t.Fatalf("ParseSerialNumber(%q) = %+v", s, v)
		}
		if !v.Known() {
			if v.String() != "unknown" {
				t.Fatalf("ParseSerialNumber(%q) = %+v prints %q", s, v, v.String())
			}
			return
		}
		if prefix := strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor) + "."; !strings.HasPrefix(v.String(), prefix) {
			t.Fatalf("ParseSerialNumber(%q) = %+v prints %q, not %q...", s, v, v.String(), prefix)
		}
		build := v.Build
		if v.Major >= 8 {
			build += 30000 // as Exchange stores it
		}
		again, err := ParseSerialNumber(fmt.Sprintf("Version %d.%d (Build %d.%d)", v.Major, v.Minor, build, v.Revision))
		if err != nil || again != v {
			t.Fatalf("ParseSerialNumber(%q) = %+v, written back reads %+v, %v", s, v, again, err)
		}
	})
}
