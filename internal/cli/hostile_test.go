package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/report"
	"github.com/exdiag/exdiag/internal/term"
	"github.com/exdiag/exdiag/internal/tools/wine/underwine"
)

// The hostile lab end to end: `exdiag check` against every misbehaving
// endpoint at once, with public flags only. Each behaviour is also tested
// where it is handled, faster and in more variants; this test proves the
// whole command copes with all of them together:
//   - lab: tlsserver_misbehave_test.go, mailserver_test.go, dnsserver_test.go
//     (the behaviours themselves), hostile_test.go (the certificates)
//   - probe: tls_test.go TestHandshakeErrors (silent, trickle, garbage, plain
//     http, alert, reset, refused), TestHandshakeLegacyTLS10, starttls_test.go
//     TestStartTLS (no STARTTLS, STARTTLS refused), dns_test.go
//     TestDNSStatuses (SERVFAIL, CNAME loop), TestDNSNoAnswer,
//     TestDNSTruncatedRetriesOverTCP, TestDNSFirstServerDead
//   - diag: rules_crypto_test.go (weak keys and signatures, negative
//     serials, unknown critical extensions)

// hostileTimeout is --timeout for the hostile runs.
const hostileTimeout = 2 * time.Second

// hostileBound only guards the test run against a real hang (a wait with no
// deadline): it asserts nothing about speed, which make bench measures. On
// two loaded cores under -race a correct run can take many times
// --timeout, so the guard is far from any correct run's time.
const hostileBound = 90 * time.Second

// hostileWant is what each hostile case must give: the finding code, and
// words its message must hold. Every case of lab.StartHostile must be here.
var hostileWant = map[string]struct {
	code     diag.Code
	severity string
	detail   string
}{
	"healthy":             {}, // and its name resolves only over TCP: the lab DNS truncates every UDP answer
	"silent":              {catalog.TLSError, "error", "did not finish the exchange within 2s"},
	"trickle":             {catalog.TLSError, "error", "did not finish the exchange within 2s"},
	"garbage":             {catalog.TLSError, "error", "which is not a tls record"},
	"plain-http":          {catalog.TLSError, "error", "answered in plain http, not tls"},
	"alert":               {catalog.TLSError, "error", "remote error: tls: handshake failure"},
	"reset":               {catalog.TLSError, "error", "reset the connection mid-exchange"},
	"refused":             {catalog.Unreachable, "error", "refused"},
	"big-chain":           {catalog.TLSError, "error", "exceeds maximum of"},
	"many-sans":           {catalog.NameMismatch, "error", "and 4988 more names, not many-sans.hostile.test"},
	"critical-ext":        {catalog.CertUnknownCriticalExtension, "error", "1.3.6.1.5.5.7.13.42"},
	"negative-serial":     {catalog.CertNegativeSerial, "warning", "negative serial number (-"},
	"sha1":                {catalog.CertWeakSignature, "error", "signed with SHA-1"},
	"md5":                 {catalog.CertWeakSignature, "error", "signed with MD5"},
	"rsa1024":             {catalog.CertWeakKey, "error", "1024-bit RSA key"},
	"wrong-key":           {catalog.TLSError, "error", "could not prove it holds that certificate's private key"},
	"client-cert":         {catalog.TLSError, "error", "demands a client certificate"},
	"evil-names":          {catalog.NameMismatch, "error", "\x1b[31mred.hostile.test"},
	"tls10":               {catalog.TLSLegacy, "warning", "only negotiated TLS 1.0"},
	"smtp-no-starttls":    {catalog.StartTLSMissing, "error", "does not offer starttls"},
	"smtp-starttls-fails": {catalog.TLSError, "error", `refused starttls: "454 4.7.0`},
	"servfail":            {catalog.DNSError, "error", ": servfail; "},
	"cname-loop":          {catalog.DNSError, "error", "cname loop at"},
}

// hostileReport is the part of the JSON report the hostile tests read.
type hostileReport struct {
	Schema   string
	Findings []struct {
		Code, Severity, Host, Message string
		URLs                          []string
	}
}

// cliRun is the outcome of one in-process exdiag run.
type cliRun struct {
	stdout, stderr string
	code           int
	err            error // the run did not finish in time
}

// runWithin runs one exdiag command line in-process and reports an error
// when it does not finish within bound: a hang is a bug, whatever the
// servers do. Safe to call from any goroutine.
func runWithin(bound time.Duration, args ...string) cliRun {
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	io, out, errOut := term.Test("", nil)
	f := &Factory{IO: io, Now: time.Now, Version: "test"}
	done := make(chan int, 1)
	go func() { done <- Run(ctx, f, args) }()
	select {
	case code := <-done:
		if ctx.Err() != nil {
			return cliRun{err: fmt.Errorf("exdiag did not finish within %v: a hang past --timeout; stderr:\n%s", bound, errOut)}
		}
		return cliRun{stdout: out.String(), stderr: errOut.String(), code: code}
	case <-time.After(bound + 10*time.Second):
		return cliRun{err: fmt.Errorf("exdiag is still running %v after it was cancelled: it hangs", bound)}
	}
}

// wantExit is the exit code of a run with error findings in format.
func wantExit(format string) int {
	if format == "nagios" {
		return report.NagiosCritical // a plugin's status, not exdiag's codes
	}
	return ExitFindings
}

func TestHostileEndpoints(t *testing.T) {
	h, err := lab.StartHostile(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	for _, c := range h.Cases {
		if _, ok := hostileWant[c.Name]; !ok {
			t.Errorf("hostile case %q (%s) has no expected finding in hostileWant", c.Name, c.What)
		}
	}
	r := runWithin(hostileBound, append([]string{"check", "--timeout", hostileTimeout.String(), "--format", "json"}, h.CheckArgs()...)...)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.code != ExitFindings || r.stderr != "" {
		t.Fatalf("exit code %d, want %d (findings), and stderr:\n%s", r.code, ExitFindings, r.stderr)
	}
	checkHostileFindings(t, h, r.stdout)
}

// Every format stays well-formed and free of raw control characters,
// whatever the servers send.
func TestHostileOutputFormats(t *testing.T) {
	h, err := lab.StartHostile(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	// What this test checks is the output, not the timing: a --timeout
	// long enough that the slow cases (thousands of SANs, under -race on
	// two busy cores) always finish, so each case yields the same finding.
	args := append([]string{"check", "--timeout", "8s", "--color", "never"}, h.CheckArgs()...)
	formats := []string{"json", "text", "markdown"}
	for _, f := range []string{"junit", "nagios"} {
		if _, err := report.ParseFormat(f); err == nil {
			formats = append(formats, f)
		}
	}
	// One run at a time: five at once on two cores starve the handshakes
	// of the large certificates past --timeout, and the finding changes.
	runs := make([]cliRun, len(formats))
	for i, format := range formats {
		runs[i] = runWithin(hostileBound, append(slices.Clone(args), "--format", format)...)
	}
	for i, format := range formats {
		r := runs[i]
		switch {
		case r.err != nil:
			t.Errorf("%s: %v", format, r.err)
		case r.code != wantExit(format):
			t.Errorf("%s: exit code %d, want %d; stderr:\n%s", format, r.code, wantExit(format), r.stderr)
		default:
			if i := rawControlIndex(r.stderr); i >= 0 {
				t.Errorf("%s: raw control byte in stderr: %q", format, r.stderr)
			}
			checkHostileOutput(t, format, r.stdout)
		}
	}
}

// checkHostileFindings asserts each case's finding, and that the control
// endpoint, next to all the others, has none.
func checkHostileFindings(t *testing.T, h *lab.Hostile, js string) {
	var rep hostileReport
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	for _, c := range h.Cases {
		want := hostileWant[c.Name]
		var got []string
		found := false
		for _, f := range rep.Findings {
			if !slices.Contains(f.URLs, c.URL) {
				continue
			}
			got = append(got, f.Code)
			if diag.Code(f.Code) == want.code {
				found = true
				detail := want.detail
				if c.Name == "reset" && underwine.LosesEarlyResets() && strings.Contains(f.Message, "closed the connection mid-exchange") {
					detail = "closed the connection mid-exchange" // Wine may read an early reset as end of file
				}
				if f.Severity != want.severity || !strings.Contains(f.Message, detail) {
					t.Errorf("%s (%s): %s %s %q; want %s with %q", c.Name, c.What, f.Severity, f.Code,
						truncateForLog(f.Message), want.severity, detail)
				}
			}
		}
		switch {
		case want.code == "" && len(got) > 0:
			t.Errorf("%s (%s): findings %v, want none: one misbehaving server must not affect another", c.Name, c.What, got)
		case want.code != "" && !found:
			t.Errorf("%s (%s): findings %v, want %s", c.Name, c.What, got, want.code)
		}
	}
}

// checkHostileOutput asserts what every format promises, whatever the
// servers sent: valid JSON and XML, and no raw control character, escape
// sequence or invalid UTF-8 in text, Markdown and Nagios output.
func checkHostileOutput(t *testing.T, format, out string) {
	switch format {
	case "json":
		var rep hostileReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Schema == "" {
			t.Errorf("json: schema %q, err %v", rep.Schema, err)
		}
		return
	case "junit":
		d := xml.NewDecoder(strings.NewReader(out))
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("junit: not well-formed XML: %v", err)
			}
		}
	}
	if i := rawControlIndex(out); i >= 0 {
		t.Errorf("%s: raw control byte %q at offset %d: %q", format, out[i], i, out[max(0, i-60):min(len(out), i+20)])
	}
	// The hostile certificate's names reach the output, escaped (Markdown
	// also backslashes its own syntax), and are never a fix's target host.
	shown := map[string]string{"text": `\x1b[31mred.hostile.test`, "markdown": `\\x1b\[31mred.hostile.test`}[format]
	if shown != "" && !strings.Contains(out, shown) {
		t.Errorf("%s: the evil-names SAN is missing or not shown as an escape", format)
	}
	if strings.Contains(out, "://\\x1b") || strings.Contains(out, "://\x1b") {
		t.Errorf("%s: a fix moves a URL to the evil-names SAN", format)
	}
}

// rawControlIndex returns the offset of the first C0 or C1 control
// character other than newline and tab, or invalid UTF-8 byte, or -1.
func rawControlIndex(s string) int {
	for i, r := range s {
		switch {
		case r == '\n', r == '\t':
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"),
			r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
			return i
		}
	}
	return -1
}

func truncateForLog(s string) string {
	if len(s) > 300 {
		return s[:300] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

// A DNS server that never answers stops the run with exit code 3 and a
// hint about --dns-server, not a finding per host (every host would look
// missing) and not a hang.
func TestHostileDNSNeverAnswers(t *testing.T) {
	dead, err := lab.StartDNS(lab.DNSSpec{Silent: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dead.Close() })
	r := runWithin(hostileBound, "check", "--url", "https://mail.hostile.test/", "--url", "https://owa.hostile.test/",
		"--dns-server", dead.Addr(), "--timeout", "1s", "--format", "json")
	if r.err != nil || r.code != ExitNoRun {
		t.Fatalf("exit code %d, %v, want %d; stderr:\n%s", r.code, r.err, ExitNoRun, r.stderr)
	}
	if want := "exdiag: error: no DNS server answered (asked " + dead.Addr() + ")"; !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "hint: ") || !strings.Contains(r.stderr, "--dns-server") {
		t.Errorf("stderr %q, want %q and a hint about --dns-server", r.stderr, want)
	}
	if r.stdout != "" {
		t.Errorf("a report was printed: %s", r.stdout)
	}
}
