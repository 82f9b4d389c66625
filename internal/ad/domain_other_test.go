//go:build !windows

package ad

import (
	"strings"
	"testing"
)

func TestResolvConfDomain(t *testing.T) {
	for in, want := range map[string]string{
		"nameserver 10.0.0.1\ndomain contoso.local\n":        "contoso.local",
		"# generated\nsearch corp.contoso.com contoso.com\n": "corp.contoso.com",
		"domain a.example\nsearch b.example c.example\n":     "b.example",
		"nameserver 10.0.0.1\n; search commented.example\n":  "",
		"search contoso.local.\n":                            "contoso.local",
	} {
		if got := resolvConfDomain(strings.NewReader(in)); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
