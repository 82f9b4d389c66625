package samba_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/cli"
	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/lab/samba"
	"github.com/exdiag/exdiag/internal/term"
)

// Every lab scenario, loaded into the real AD DC, gives exactly the same
// findings and fixes through `exdiag check` as through the in-process lab
// directory: what works against our LDAP server works against AD semantics.
// Both are loaded with the entries the lab builds (no LDIF parsing), and
// both are read over LDAP.
func TestScenariosGiveTheSameFindingsAsTheLab(t *testing.T) {
	dc, contosoEntries := contoso(t)
	t.Cleanup(func() {
		if err := dc.Clear(); err != nil {
			t.Errorf("restore contoso: %v", err)
		}
		if _, err := dc.Load(contosoEntries); err != nil {
			t.Errorf("restore contoso: %v", err)
		}
	})
	for _, name := range lab.Scenarios() {
		t.Run(name, func(t *testing.T) {
			sc, err := lab.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			l, err := lab.StartScenario(sc)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if err := dc.Clear(); err != nil {
				t.Fatal(err)
			}
			if _, err := dc.Load(adEntries(sc.Org.LDAPEntries())); err != nil {
				t.Fatalf("load %s: %v\n%s", name, err, dc.Log())
			}
			args := l.CheckArgs()
			viaLab, code1, err1 := check(append(args, "--format", "json"), lab.LabPassword)
			viaDC, code2, err2 := check(append(l.NetworkArgs(), "--format", "json",
				"--ldap-url", dc.LDAPSURL, "--auth", "simple", "--user", samba.Admin, "--password-stdin", "--ca-file", dc.CAFile), dc.AdminPassword)
			if code1 != code2 {
				t.Errorf("exit codes differ: lab %d, samba %d\nlab stderr: %s\nsamba stderr: %s", code1, code2, err1, err2)
			}
			a, b := findings(t, viaLab), findings(t, viaDC)
			switch want := map[bool]int{true: cli.ExitOK, false: cli.ExitFindings}[sc.Healthy]; {
			case code2 != want:
				t.Errorf("exit code through the DC %d, want %d (healthy: %v)\nsamba stderr: %s", code2, want, sc.Healthy, err2)
			case len(a) == 0 && !sc.Healthy:
				t.Fatalf("no findings through the lab: %s", err1)
			}
			if diff := cmp.Diff(a, b); diff != "" {
				t.Errorf("findings differ (-lab +samba):\n%s\nsamba stderr: %s", diff, err2)
			}
		})
	}
}

// adEntries are the scenario's entries as the lab builds them, not as the
// LDIF parser reads them back: both sides of the comparison reach exdiag
// through LDAP (ad.Read) only.
func adEntries(le []lab.LDAPEntry) []ad.Entry {
	out := make([]ad.Entry, len(le))
	for i, e := range le {
		out[i].DN = e.DN
		for _, a := range e.Attrs {
			out[i].Attrs = append(out[i].Attrs, ad.Attr{Name: a.Name, Values: a.Values})
		}
	}
	return out
}

func check(args []string, password string) (stdout string, code int, stderr string) {
	io, out, errOut := term.Test(password+"\n", nil)
	f := &cli.Factory{IO: io, Now: time.Now, Version: "test"}
	code = cli.Run(context.Background(), f, append([]string{"check"}, args...))
	return out.String(), code, errOut.String()
}

var port = regexp.MustCompile(`(127\.0\.0\.\d+):\d+`)

// findings summarises a JSON report: code, severity, host, message and
// fix commands of each finding, with the lab's ports masked.
func findings(t *testing.T, js string) []string {
	t.Helper()
	var r struct {
		Findings []struct {
			Code, Severity, Host, Message string
			Fix                           []struct{ Command string }
		}
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, js)
	}
	var out []string
	for _, f := range r.Findings {
		line := fmt.Sprintf("%s %s %s: %s", f.Severity, f.Code, f.Host, f.Message)
		for _, fx := range f.Fix {
			if fx.Command != "" {
				line += "\n    " + fx.Command
			}
		}
		out = append(out, port.ReplaceAllString(strings.ReplaceAll(line, "\r", ""), "$1:PORT"))
	}
	return out
}
