package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
)

// nagiosOpts are the CLI's defaults: --fail-on error, --warn-days 30.
var nagiosOpts = Options{Format: Nagios, FailOn: diag.Error, WarnDays: 30, ToolVersion: "1.0.0-test"}

func TestNagiosGolden(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			checkGolden(t, fx.name+".nagios.txt.golden", render(t, fx.rep, nagiosOpts))
		})
	}
	t.Run("contoso.failon-warning", func(t *testing.T) {
		opts := nagiosOpts
		opts.FailOn = diag.Warning
		checkGolden(t, "contoso.failon-warning.nagios.txt.golden", render(t, contosoReport(), opts))
	})
}

func TestNagiosStatus(t *testing.T) {
	withSeverities := func(sevs ...diag.Severity) *diag.Report {
		rep := &diag.Report{GeneratedAt: now}
		for _, s := range sevs {
			rep.Findings = append(rep.Findings, diag.Finding{Code: "x", Severity: s})
		}
		return rep
	}
	errorOn := Options{FailOn: diag.Error}
	warningOn := Options{FailOn: diag.Warning}
	never := Options{FailOn: diag.Error, FailNever: true}
	tests := []struct {
		name string
		rep  *diag.Report
		opts Options
		want int
	}{
		{"nothing", withSeverities(), errorOn, NagiosOK},
		{"info only", withSeverities(diag.Info, diag.Info), errorOn, NagiosOK},
		{"warning", withSeverities(diag.Warning, diag.Info), errorOn, NagiosWarning},
		{"error", withSeverities(diag.Info, diag.Warning, diag.Error), errorOn, NagiosCritical},
		{"warning, --fail-on warning", withSeverities(diag.Warning), warningOn, NagiosCritical},
		{"info, --fail-on warning", withSeverities(diag.Info), warningOn, NagiosOK},
		{"error, --fail-on never", withSeverities(diag.Error, diag.Warning), never, NagiosWarning},
		{"info, --fail-on never", withSeverities(diag.Info), never, NagiosOK},
		{"contoso", contosoReport(), errorOn, NagiosCritical},
		{"dns", dnsReport(), errorOn, NagiosCritical},
		{"clean", cleanReport(), errorOn, NagiosOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NagiosStatus(tt.rep, tt.opts); got != tt.want {
				t.Errorf("NagiosStatus = %d, want %d", got, tt.want)
			}
			// The status word printed must be the exit code's.
			tt.opts.Format = Nagios
			first, _, _ := strings.Cut(render(t, tt.rep, tt.opts), "\n")
			if want := "EXDIAG " + nagiosWords[tt.want] + " - "; !strings.HasPrefix(first, want) {
				t.Errorf("status line %q, want prefix %q", first, want)
			}
		})
	}
}

// perfItem is one performance data item as the Monitoring Plugins
// Development Guidelines define it: 'label'=value[UOM];[warn];[crit];[min];[max].
var perfItem = regexp.MustCompile(`^'([^'=]+)'=(U|-?[0-9]+)(;[0-9~:@-]*){0,4}$`)

// TestNagiosOutputShape checks every fixture against the plugin output
// rules: one status line with exactly one "|", then long output lines
// without "|", no raw control characters, well-formed and unique labels.
func TestNagiosOutputShape(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			out := render(t, fx.rep, nagiosOpts)
			if p := rawControl(out); p != "" {
				t.Errorf("raw control: %s", p)
			}
			if !strings.HasSuffix(out, "\n") {
				t.Error("no trailing newline")
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 1+len(fx.rep.Findings) {
				t.Errorf("%d lines, want a status line and one per finding", len(lines))
			}
			if n := strings.Count(out, "|"); n != 1 {
				t.Fatalf("%d '|' in the output, want only the performance data separator:\n%s", n, out)
			}
			_, perf, _ := strings.Cut(lines[0], " | ")
			labels := map[string]bool{}
			for item := range strings.SplitSeq(perf, " ") {
				m := perfItem.FindStringSubmatch(item)
				if m == nil {
					t.Errorf("malformed performance data %q", item)
					continue
				}
				if labels[m[1]] {
					t.Errorf("label %q twice", m[1])
				}
				labels[m[1]] = true
			}
			for _, ep := range fx.rep.Endpoints {
				if !labels[perfLabel(ep.Host)+"_days"] {
					t.Errorf("no days-left data for %s in %q", ep.Host, perf)
				}
			}
		})
	}
}

func TestNagiosPerfdataDays(t *testing.T) {
	first, _, _ := strings.Cut(render(t, contosoReport(), Options{Format: Nagios, FailOn: diag.Error, WarnDays: 21}), "\n")
	for _, want := range []string{"'ex01.contoso.local_days'=-92;21:;0: ", "'mail.contoso.com_days'=12;21:;0: ", "'errors'=2;;;0 'warnings'=1;;;0"} {
		if !strings.Contains(first, want) {
			t.Errorf("status line lacks %q:\n%s", want, first)
		}
	}
	first, _, _ = strings.Cut(render(t, dnsReport(), nagiosOpts), "\n")
	if !strings.Contains(first, "'owa2.fabrikam.com_days'=U;30:;0: ") {
		t.Errorf("an endpoint without a certificate should have the value U:\n%s", first)
	}
}

func TestPerfLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mail.contoso.com", "mail.contoso.com"},
		{"EX01-a_b", "EX01-a_b"},
		{"it's=bad", "it_s_bad"},
		{"a b|c;d'e=f\x1b[0m\u202e", "a_b_c_d_e_f__0m_"},
		{"2001:db8::1", "2001_db8__1"},
		{"münchen.de", "m_nchen.de"},
	}
	for _, tt := range tests {
		if got := perfLabel(tt.in); got != tt.want {
			t.Errorf("perfLabel(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Two hosts that sanitise alike keep distinct labels.
	rep := cleanReport()
	rep.Endpoints[0].Host, rep.Endpoints[1].Host = "a'b", "a=b"
	first, _, _ := strings.Cut(render(t, rep, nagiosOpts), "\n")
	if !strings.Contains(first, "'a_b_days'=48;") || !strings.Contains(first, "'a_b_2_days'=48;") {
		t.Errorf("colliding labels not made unique:\n%s", first)
	}
}

// The status line names the worst host: the most severe finding, then
// the fewest days left, then the most findings; at most three codes.
func TestNagiosNamesTheWorstHost(t *testing.T) {
	rep := &diag.Report{GeneratedAt: now, Summary: diag.Summary{URLs: 5, Hosts: 5}}
	for _, h := range []string{"a", "b", "c"} {
		rep.Findings = append(rep.Findings, diag.Finding{Code: catalog.NameMismatch, Severity: diag.Error, Host: h})
	}
	for _, c := range []diag.Code{catalog.CertUntrusted, catalog.CertSelfSigned, catalog.CertWeakKey, catalog.TLSLegacy} {
		rep.Findings = append(rep.Findings, diag.Finding{Code: c, Severity: diag.Error, Host: "b"})
	}
	rep.Findings = append(rep.Findings, diag.Finding{Code: catalog.TLSLegacy, Severity: diag.Info, Host: "z"})
	first, _, _ := strings.Cut(render(t, rep, nagiosOpts), "\n")
	want := "EXDIAG CRITICAL - 7 errors, 1 info finding in 5 URLs on 5 hosts; worst: b (name-mismatch, cert-untrusted, cert-self-signed and 2 more) | "
	if !strings.HasPrefix(first, want) {
		t.Errorf("status line\n%s\nwant prefix\n%s", first, want)
	}
	// Fewer days left wins between hosts of the same severity.
	rep = contosoReport()
	first, _, _ = strings.Cut(render(t, rep, nagiosOpts), "\n")
	if !strings.Contains(first, "; worst: ex01.contoso.local (cert-expired; expired 92 days ago) | ") {
		t.Errorf("status line does not name ex01.contoso.local, whose certificate expired:\n%s", first)
	}
}

// A server behind a shared name that serves an older certificate counts
// in that name's days left, although the endpoints reached another server.
func TestNagiosDaysCountEveryServer(t *testing.T) {
	rep := contosoReport()
	rep.Servers = []diag.ServerCert{
		{Server: "EX01", Host: "mail.contoso.com", Port: 443, Service: "IIS", Address: "10.0.0.5:443", Leaf: mailCert.Thumbprint},
		{Server: "EX02", Host: "mail.contoso.com", Port: 443, Service: "IIS", Address: "10.0.0.6:443", Leaf: ex01Cert.Thumbprint},
		{Server: "EX02", Host: "owa.contoso.com", Port: 443, Service: "IIS", Address: "10.0.0.6:443", Leaf: mailCert.Thumbprint},
	}
	first, _, _ := strings.Cut(render(t, rep, nagiosOpts), "\n")
	for _, want := range []string{"'mail.contoso.com_days'=-92;", "'owa.contoso.com_days'=12;"} {
		if !strings.Contains(first, want) {
			t.Errorf("status line lacks %q:\n%s", want, first)
		}
	}
}

func TestWriteNagiosUnknown(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteNagiosUnknown(&buf, "read --ca-file: open x|y\x1b: no such file"); err != nil {
		t.Fatal(err)
	}
	if want := "EXDIAG UNKNOWN - read --ca-file: open x%7Cy\\x1b: no such file\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	if err := WriteNagiosUnknown(failWriter{}, "x"); err == nil {
		t.Error("no write error")
	}
	if err := Render(failWriter{}, contosoReport(), nagiosOpts); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the writer's error", err)
	}
}
